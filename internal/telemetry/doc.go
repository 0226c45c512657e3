// Package telemetry extracts observables — IP addresses, domain names, URLs, email
// addresses, file hashes and file names — from NDJSON telemetry, one JSON object per line,
// so the hunt can look them up among the indicators of compromise.
//
// An Extractor reads one line at a time with a reused fastjson parser. With FormatAuto it
// detects the format of every line from its top-level keys ("_path"/"@stream"/"id.orig_h":
// Zeek; "event_type" with "src_ip"/"timestamp"/"flow_id": Suricata; "EventID" with
// "Channel"/"SourceName"/"EventData"/"Provider": Windows; "hostIdentifier", or "name" with
// "columns"/"snapshot"/"diffResults": osquery; "ecs"/"winlog", or "@timestamp" with an ECS
// field set: ECS; anything else: generic). Detection and extraction share one pass over the
// keys: a line is walked as the previous line's format and walked again only when its keys
// say otherwise.
//
// The fields listed below are read, and in known formats any other field whose whole value
// is an http, https, ftp or ftps URL (Zeek dns.log queries such as "http://172.16.0.58", a
// Sysmon WMI or WinRM ObjectName, a Zeek referrer) is a URL observable. Command lines
// (Sysmon CommandLine and ParentCommandLine, ECS process.command_line and
// process.parent.command_line, osquery cmdline) are scanned for the URLs, IP addresses and
// domain names among their arguments ("bitsadmin /transfer job http://…"), written as
// commands write them: a URL with or without its scheme, a host after "\\" (UNC and WebDAV
// paths), after "user@" (ssh, scp) or after an option's "=", with or without ":port". A
// domain there must end in a delegated top-level domain that is not a file extension
// ("conhost.exe", "1.2.3" are not domains). Other free text
// is never searched: an address inside a Sysmon Message, a Zeek msg or an ECS
// event.original is not an observable of the event. Telemetry is never refanged.
// Observable.Field is the field's dotted path as it appears in the event ("destination.ip",
// "id.resp_h", "dns.answers.rdata"); arrays are transparent (an array of strings yields each
// element, an array of objects is walked like one object).
//
// ECS (nested objects and dotted keys alike):
//   - IP: source.ip, destination.ip, client.ip, server.ip, host.ip, related.ip, dns.resolved_ip
//   - domain or IP: related.hosts, dns.question.name, dns.answers.data, url.domain,
//     destination.domain, server.domain, source.domain, client.domain, tls.client.server_name
//   - URL: url.full, and url.original (absolute, or joined with url.scheme, url.domain and
//     url.port when it is a path)
//   - hashes: related.hash (type from length), {file,process,process.parent,dll}.hash.{md5,sha1,sha256,sha512}
//   - file name: file.name, process.executable, process.parent.executable (base name)
//   - email: email.{from,to,sender,cc,bcc,reply_to}.address
//   - winlog.event_data: read as Windows EventData (below)
//
// Windows event log JSON (Sysmon and Security; NXLog/Winlogbeat flat style, and Azure Log
// Analytics where EventData is a JSON-encoded string or an object). Fields inside EventData
// are reported by their own names ("Image", not "EventData.Image"):
//   - IP: SourceIp, DestinationIp, SourceAddress, DestAddress, IpAddress, ClientAddress
//   - domain or IP: DestinationHostname, QueryName
//   - QueryResults: the addresses among the ";"-separated answers ("type:  5 name" entries skipped)
//   - Hashes, Hash: "SHA1=…,MD5=…,SHA256=…,IMPHASH=…" as Hashes.SHA1, Hashes.MD5, Hashes.SHA256,
//     Hashes.SHA512; IMPHASH hashes the import table, not the file, and is skipped
//   - file name: Image, ImageLoaded, TargetFilename, ParentImage, SourceImage, TargetImage,
//     OriginalFileName, NewProcessName, ParentProcessName, ProcessName, Application
//
// Zeek JSON logs, with dotted ("id.orig_h") or underscored ("id_orig_h") keys:
//   - IP: id.orig_h, id.resp_h (every log), src, dst (notice), tx_hosts, rx_hosts (files),
//     data_channel.orig_h, data_channel.resp_h (ftp), path, x_originating_ip (smtp),
//     assigned_addr, client_addr, server_addr, requested_addr (dhcp), san.ip (x509)
//   - domain or IP: query, answers (dns), server_name (ssl), host (http, known_*), san.dns (x509)
//   - URL: uri joined with host as "http://host/uri" (http), or uri itself when absolute; san.uri
//   - email: mailfrom, rcptto, from, to, cc, reply_to (smtp), san.email (x509)
//   - hashes: md5, sha1, sha256 (files); file name: filename (files), orig_filenames, resp_filenames
//
// Suricata EVE JSON:
//   - IP: src_ip, dest_ip, dns.grouped.A, dns.grouped.AAAA
//   - domain or IP: dns.rrname, dns.rdata, dns.query.rrname, dns.queries.rrname,
//     dns.answers.rrname, dns.answers.rdata, dns.grouped.CNAME, http.hostname, tls.sni, quic.sni
//   - URL: http.url joined with http.hostname (or http.url itself when absolute)
//   - hashes: fileinfo.md5, fileinfo.sha1, fileinfo.sha256; file name: fileinfo.filename
//   - email: smtp.mail_from, smtp.rcpt_to, email.from, email.to, email.cc
//
// osquery results, in event format ("columns"), snapshot format ("snapshot" rows) and batch
// format ("diffResults.added"/"diffResults.removed" rows), as columns.remote_address etc.:
//   - IP: remote_address, local_address, address; domain or IP: domain, hostname; URL: url
//   - hashes: md5, sha1, sha256; file name: path
//
// Generic (any other JSON object) walks every string value, nested objects and arrays
// included (to depth 12), with Field the dotted path. Keys that usually hold prose (message,
// msg, original, description, payload, text, body, details, ...) and values containing
// whitespace are skipped. A value is an observable when it is an IP address (or
// address:port), a URL (contains "://"), a hex hash of 32, 40, 64 or 128 digits, an email
// address, or a domain name whose last label is a top-level domain ICANN delegates and not a
// common file extension (so "setup.exe", "report.zip" and "host.local" are not domains).
// Generic extraction normalises far more candidate values than the known formats and is
// correspondingly slower; name the format when it is known.
//
// Event time: LastTime returns the event's own time and the field it came from — Zeek ts
// (epoch seconds or RFC 3339; else _write_ts), Sysmon UtcTime (else TimeCreated, @timestamp
// or TimeGenerated), Suricata timestamp, ECS @timestamp, osquery unixTime (else
// calendarTime), and for generic events a top-level timestamp, time, ts or @timestamp.
// Numbers are epoch seconds, milliseconds, microseconds or nanoseconds by their number of
// digits; text is "YYYY-MM-DD[T ]hh:mm:ss[.fraction][zone]", UTC when it names no zone.
// Times before 2000 are placeholders and count as none. Clock-skew rules are the caller's
// (docs/telemetry.md).
//
// Every URL observable is followed by its host as a domain or IP observable with the URL's
// field, unless the event already yielded that host (from url.domain, http.hostname, ...), so
// a domain indicator matches URLs seen in telemetry. Values are normalised as internal/ioc
// normalises indicators (ioc.Addr, ioc.DomainName — without the public-suffix check —,
// ioc.URL, ioc.Email, ioc.Hash, ioc.Filename) and compare byte for byte with indicator
// values. Placeholders ("-"), unspecified addresses (0.0.0.0, ::), single-label host names
// and values that do not normalise are dropped.
//
// Performance: Extract allocates only for values it has not seen recently. Normalised values
// are kept in a per-Extractor direct-mapped cache keyed by the raw bytes and interned, so
// repeated addresses, names and hashes cost a hash and a compare. Most of the remaining time
// is fastjson building its value tree (see BenchmarkParse against BenchmarkExtract).
package telemetry
