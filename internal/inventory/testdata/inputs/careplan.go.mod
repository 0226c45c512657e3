module example.org/careplan

go 1.21

toolchain go1.22.3

require golang.org/x/text v0.3.7

require (
	github.com/gorilla/websocket v1.4.2
	golang.org/x/net v0.7.0 // indirect
	example.org/internal/audit v0.0.0-00010101000000-000000000000
	github.com/golang-jwt/jwt/v4 v4.4.1+incompatible
	not-a-require-line
)

replace golang.org/x/net v0.7.0 => golang.org/x/net v0.17.0

replace example.org/internal/audit => ../audit

replace (
	github.com/gorilla/websocket => github.com/gorilla/websocket v1.5.0
)
