package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// Set by the release build: -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var version, commit, date string

// versionLine prints the release stamp, or what `go install` recorded.
func versionLine() string {
	v, c, d := version, commit, date
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.time" && d == "":
				d = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if len(c) > 12 {
		c = c[:12]
	}
	return fmt.Sprintf("pcapsurgery %s (commit %s, built %s)", v, orUnknown(c), orUnknown(d))
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

const usageText = `pcapsurgery - find where TLS handshakes failed in a packet capture, and cut out the evidence

Usage:
  pcapsurgery [--local] [--max-held SIZE] [--keylog KEYS]... [--spool SIZE] [--retain-*] FILE...
                                        explore FILE (the summary table when output is not a terminal);
                                        times in UTC, or local time with --local or when TZ is set
  pcapsurgery summary [--json] [--filter EXPR] [--failures] [--by KEY[,KEY2]] [--max-held SIZE] [--keylog KEYS]... [--retain-*] FILE...
  pcapsurgery export FILE... (--flow ID | --filter EXPR) [--evidence] -o OUT [--force] [--max-held SIZE] [--keylog KEYS]... [--with-secrets]
  pcapsurgery diff FILE ID [ID2] [--json] [--max-held SIZE] [--keylog KEYS]...
  pcapsurgery capture IFACE [FILTER] [-w FILE [--force]] [--duration D] [--json] [--filter EXPR] [--failures] [--max-held SIZE] [--spool SIZE] [--retain-*]
                                        capture an interface live (Linux; needs CAP_NET_RAW)
  pcapsurgery completion bash|zsh|fish
  pcapsurgery help [COMMAND]
  pcapsurgery --version

FILE is a pcap or pcapng capture, optionally gzip-compressed; - reads standard input.
Several files or a directory (rotated captures) are read as one, in time order.
--max-held SIZE is the memory budget for bytes held across flows while they wait
(out-of-order segments, unfinished handshake messages), e.g. 512M or 2G; default
256M. Past it the flows holding most stop being decoded and show PARTIAL.
--keylog KEYS reads TLS secrets (NSS key log format, what SSLKEYLOGFILE makes
clients write; repeatable; SSLKEYLOGFILE is read too when set) to decrypt TLS 1.3
handshakes: the certificate, and an encrypted alert's real description.
--spool SIZE (explorer on live input: a pipe, standard input, capture) keeps the newest
SIZE of raw packets in a temporary directory, removed on exit, so flows can be exported;
default 256M, 0 keeps none.
On live input finished flows past a limit are dropped from memory (summary prints
each before it goes): --retain-flows N keeps at most N finished flows, the oldest
successes going first while they hold over half (default 20000); --retain-ok D
and --retain-failed D drop them D after their last packet (defaults 10m and 1h);
--idle D counts a connection with no packet for D as finished (default 2m). 0
turns a limit off. Files keep every flow.

Examples:
  pcapsurgery capture.pcapng
  pcapsurgery summary --filter 'outcome:fail sni:api' capture.pcap.gz
  pcapsurgery summary --json capture.pcap | jq 'select(.outcome=="alert")'
  pcapsurgery export capture.pcapng --flow 17 --evidence -o ticket-4711.pcap
  pcapsurgery diff capture.pcapng 17
  sudo pcapsurgery capture eth0 port 443 -w night.pcap

Exit status: 0 success, 1 the capture could not be read (or export failed, or diff found no
flow to compare), 2 usage error.
`

// init lists the --by keys from model.GroupKeys, so a key added there is
// in the help without a hand-kept copy.
func init() {
	commandHelp["summary"] = strings.Replace(commandHelp["summary"], "@GROUPKEYS@", groupKeysHelp(), 1)
}

// groupKeysHelp is "KEY: server, sni, ..." wrapped under the flag text.
func groupKeysHelp() string {
	const indent, width = "                   ", 77
	var lines []string
	line := indent + "KEY:"
	for i, k := range model.GroupKeys {
		word := " " + string(k)
		if note := model.GroupKeyNote(k); note != "" {
			word += " (" + note + ")"
		}
		if i < len(model.GroupKeys)-1 {
			word += ","
		}
		if len(line)+len(word) > width {
			lines = append(lines, line)
			line = indent + word[1:]
			continue
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}

var commandHelp = map[string]string{
	"summary": `Usage: pcapsurgery summary [--json] [--filter EXPR] [--failures] [--by KEY[,KEY2]] [--max-held SIZE] [--keylog KEYS]... [--retain-*] FILE...

Prints one line per TCP connection (id, client, server, SNI, badge, version,
cipher, alert, first packet time), then totals by outcome and what was skipped.
With --json, prints one JSON object per flow per line (schema in README.md).
On a pipe (FILE is - or a FIFO), each flow is printed as soon as its outcome
is settled, the flows still open at the end; Ctrl-C prints them and the totals.

Flags:
  --json           one JSON object per flow per line
  --filter EXPR    only flows matching EXPR (see 'pcapsurgery help filter')
  --failures       only failed flows (same as the explorer's f key)
  --by KEY[,KEY2]  one line per group of flows instead: the key, flows,
                   failures, failure share, failures over the capture's time
                   as a sparkline (20 parts), first and last time, counts by
                   outcome; most failures first. With KEY2 each group is
                   broken down under it (--json: one object per pair).
@GROUPKEYS@
  --max-held SIZE  memory budget for bytes held across flows (default 256M)
  --retain-flows N, --retain-ok D, --retain-failed D, --idle D
                   on a pipe: finished flows kept in memory after they are
                   printed (defaults 20000, 10m, 1h; 2m idle finishes a
                   connection; 0 turns one off); see pcapsurgery --help
  --keylog KEYS    TLS key log (NSS format) to decrypt TLS 1.3 handshakes with;
                   repeatable; SSLKEYLOGFILE is read too when set

Examples:
  pcapsurgery summary capture.pcapng
  pcapsurgery summary --json --filter 'alert:unknown_ca' capture.pcap
  pcapsurgery summary --by server,ja4 --failures capture.pcapng
`,
	"export": `Usage: pcapsurgery export FILE... (--flow ID | --filter EXPR) [--evidence] -o OUT [--force] [--max-held SIZE] [--keylog KEYS]... [--with-secrets]

Writes the packets of one flow, or of every flow matching EXPR, to OUT with
their original bytes and timestamps. OUT ending in .pcapng gives pcapng, else
pcap. The input is never modified; OUT is written to a temporary file and
renamed, and an existing OUT is kept unless --force is given.

Flags:
  --flow ID        the flow to export (IDs come from summary or the explorer)
  --filter EXPR    export every flow matching EXPR
  --evidence       only the handshake evidence: TCP handshake, handshake records,
                   alerts, resets, FINs and the first data packet each way
  -o OUT           output file
  --force          overwrite OUT if it exists
  --max-held SIZE  memory budget for bytes held across flows (default 256M)
  --keylog KEYS    TLS key log (NSS format); repeatable; SSLKEYLOGFILE is read
                   too when set
  --with-secrets   embed the exported flows' TLS secrets (only theirs) in a
                   Decryption Secrets Block; OUT must be .pcapng

Examples:
  pcapsurgery export capture.pcapng --flow 17 -o flow17.pcap
  pcapsurgery export capture.pcap --filter 'outcome:fail sni:pay' --evidence -o failures.pcapng
`,
	"diff": `Usage: pcapsurgery diff FILE ID [ID2] [--json] [--max-held SIZE] [--keylog KEYS]...

Compares flow ID with flow ID2, or with the closest flow that completed its
handshake to the same server: same server address and SNI, else same SNI,
else same server address; among those, one where the server chose what
flow ID also offers (version, then suite, then group), a full handshake over
a resumed one, then the nearest in time.
Prints a short reading of the difference that matters (what the server chose
for the working client against what the failing one offers), then the two
ClientHellos, ServerHellos, certificates, alerts and timings side by side,
each differing field marked with *.

Flags:
  --json           the comparison as one JSON object (schema in README.md)
  --max-held SIZE  memory budget for bytes held across flows (default 256M)
  --keylog KEYS    TLS key log (NSS format): TLS 1.3 certificates and alerts
                   are compared too; repeatable; SSLKEYLOGFILE is read too when set

Exit status: 0 printed, 1 the capture could not be read, no such flow, or
no working flow to compare with; 2 usage error.

Examples:
  pcapsurgery diff capture.pcapng 17
  pcapsurgery diff capture.pcapng 17 4 --json
`,
	"capture": `Usage: pcapsurgery capture IFACE [FILTER] [-w FILE [--force]] [--duration D] [--json] [--filter EXPR] [--failures] [--max-held SIZE] [--spool SIZE] [--retain-*]

Captures packets on the network interface IFACE (any: every interface)
itself, through an AF_PACKET socket (no libpcap, no tcpdump), and shows the
flows as they arrive: in the explorer when output is a terminal, else as
summary lines, each printed once its outcome is settled (as summary does on
a pipe). Ctrl-C, SIGTERM, SIGHUP or --duration ends the capture; the flows
still open are printed then.

FILTER picks packets in the kernel before they are read (one argument or
several words): tcp, port N (TCP or UDP), host ADDR, net CIDR (IPv4 or IPv6),
joined with and, or, not and parentheses; and binds tighter than or.
Packets of other protocols (ARP, ...) never match a filter.

Flags:
  -w FILE          also write the captured packets to FILE (pcap), under a
                   temporary name renamed at the end
  --force          overwrite FILE if it exists
  --duration D     stop after D (30s, 5m, 1h); default: until interrupted
  --json           when output is not a terminal: one JSON object per flow
  --filter EXPR    when output is not a terminal: only flows matching EXPR
                   (pcapsurgery help filter; in the explorer, press /)
  --failures       when output is not a terminal: only failed flows
  --max-held SIZE  memory budget for bytes held across flows (default 256M)
  --spool SIZE     in the explorer: the newest SIZE of raw packets kept in a
                   temporary directory for export (default 256M; 0: none)
  --retain-flows N, --retain-ok D, --retain-failed D, --idle D
                   finished flows kept in memory (defaults 20000, 10m, 1h;
                   2m idle finishes a connection; 0 turns one off)

Needs the CAP_NET_RAW capability: run it with sudo, or once:
  sudo setcap cap_net_raw+ep $(which pcapsurgery)
Linux only; elsewhere: tcpdump -i IFACE -U -w - 'port 443' | pcapsurgery -

Exit status: 0 the capture ended (also by Ctrl-C), 1 the interface could
not be captured (no permission, no such interface) or -w failed, 2 usage
error (a malformed filter says where).

Examples:
  sudo pcapsurgery capture eth0 port 443
  sudo pcapsurgery capture eth0 'port 443 and not net 10.0.0.0/8' -w night.pcap
  sudo pcapsurgery capture eth0 port 443 --duration 10m --json > flows.jsonl
  sudo pcapsurgery capture any port 443 --failures --json | logger -t tls
`,
	"completion": `Usage: pcapsurgery completion bash|zsh|fish

Prints a shell completion script. For example:
  pcapsurgery completion bash > /etc/bash_completion.d/pcapsurgery
  pcapsurgery completion zsh > "${fpath[1]}/_pcapsurgery"
  pcapsurgery completion fish > ~/.config/fish/completions/pcapsurgery.fish
`,
	"filter": "Filter expressions (summary, export and capture --filter, and / in the explorer)\n\n" +
		model.FilterHelpText(80),
}

func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	text, ok := commandHelp[args[0]]
	if !ok {
		return usageError(stderr, "no help for %q (topics: %s)", args[0], strings.Join(helpTopics(), ", "))
	}
	fmt.Fprint(stdout, text)
	return exitOK
}

func helpTopics() []string {
	return []string{"summary", "export", "diff", "capture", "completion", "filter"}
}
