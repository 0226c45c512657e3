package cli

import "testing"

func TestParseMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     int64
		err      bool
	}{
		{name: "default", in: "", want: defaultMemoryLimit},
		{name: "mebibytes", in: "512MiB", want: 512 << 20},
		{name: "gibibytes", in: " 2GiB ", want: 2 << 30},
		{name: "bytes", in: "100000000", want: 100_000_000},
		{name: "off", in: "off", want: 0},
		{name: "zero", in: "0", want: 0},
		{name: "too small", in: "16MiB", err: true},
		{name: "decimal unit", in: "150MB", err: true},
		{name: "negative", in: "-1GiB", err: true},
		{name: "overflow", in: "9999999999TiB", err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseMemoryLimit(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("parseMemoryLimit(%q) error = %v, want error %v", tc.in, err, tc.err)
			}
			if got != tc.want {
				t.Errorf("parseMemoryLimit(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestGuardedLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name             string
		configured, live int64
		want             int64
	}{
		{name: "small heap keeps the limit", configured: 150 * mib, live: 30 * mib, want: 150 * mib},
		{name: "a quarter more still under the limit", configured: 150 * mib, live: 112 * mib, want: 150 * mib},
		{name: "a quarter more over the limit", configured: 150 * mib, live: 130 * mib, want: 176 * mib},
		{name: "outgrown, rounded up to 16 MiB", configured: 150 * mib, live: 400 * mib, want: 512 * mib},
		{name: "rounded up", configured: 150 * mib, live: 401 * mib, want: 512 * mib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := guardedLimit(tc.configured, tc.live); got != tc.want {
				t.Errorf("guardedLimit(%d MiB, %d MiB) = %d MiB, want %d MiB", tc.configured/mib, tc.live/mib, got/mib, tc.want/mib)
			}
		})
	}
}

func TestMiBIsWhatTheFlagTakes(t *testing.T) {
	for n, want := range map[int64]string{150 << 20: "150MiB", 150<<20 + 1: "151MiB", 32 << 20: "32MiB"} {
		if got := mib(n); got != want {
			t.Errorf("mib(%d) = %s, want %s", n, got, want)
		}
		if back, err := parseMemoryLimit(mib(n)); err != nil || back < n {
			t.Errorf("parseMemoryLimit(%s) = %d, %v; want at least %d", mib(n), back, err, n)
		}
	}
}
