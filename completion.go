package main

import (
	"fmt"
	"io"
)

const bashCompletion = `# bash completion for pcapsurgery
_pcapsurgery() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=( $(compgen -W "summary export diff capture completion help --help --version --max-held --spool --retain-flows --retain-ok --retain-failed --idle" -- "$cur") $(compgen -f -- "$cur") )
        return
    fi
    case "${COMP_WORDS[1]}" in
        summary) COMPREPLY=( $(compgen -W "--json --filter --failures --by --max-held --keylog --retain-flows --retain-ok --retain-failed --idle" -- "$cur") $(compgen -f -- "$cur") ) ;;
        export)
            case "$prev" in
                -o) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
                *) COMPREPLY=( $(compgen -W "--flow --filter --evidence -o --force --max-held --keylog --with-secrets" -- "$cur") $(compgen -f -- "$cur") ) ;;
            esac ;;
        diff) COMPREPLY=( $(compgen -W "--json --max-held --keylog" -- "$cur") $(compgen -f -- "$cur") ) ;;
        capture)
            case "$prev" in
                -w) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
                capture) COMPREPLY=( $(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur") ) ;;
                *) COMPREPLY=( $(compgen -W "-w --force --duration --json --filter --failures --max-held --spool --retain-flows --retain-ok --retain-failed --idle port host net tcp and or not" -- "$cur") ) ;;
            esac ;;
        completion) COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") ) ;;
        help) COMPREPLY=( $(compgen -W "summary export diff capture completion filter" -- "$cur") ) ;;
    esac
}
complete -o filenames -F _pcapsurgery pcapsurgery
`

const zshCompletion = `#compdef pcapsurgery
_pcapsurgery() {
  local -a commands
  commands=(
    'summary:print one line (or JSON object) per flow'
    'export:write flows to a new capture'
    'diff:compare a flow with a working one, or two flows'
    'capture:capture an interface live (Linux)'
    'completion:print a shell completion script'
    'help:show help for a command'
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    _files
    return
  fi
  case $words[2] in
    summary) _arguments '--json[one JSON object per flow]' '--filter[filter expression]:expr:' '--failures[only failures]' '--by[group flows by KEY or KEY,KEY2]:keys:(server sni client clientnet ja4 ja4a outcome alert version cipher issuer)' '--max-held[memory budget for held bytes]:size:' '--retain-flows[finished flows kept on live input]:count:' '--retain-ok[keep finished successes this long]:duration:' '--retain-failed[keep finished failures this long]:duration:' '--idle[idle time that finishes a connection]:duration:' '*--keylog[TLS key log file]:file:_files' '*:capture:_files' ;;
    export) _arguments '--flow[flow ID]:id:' '--filter[filter expression]:expr:' '--evidence[handshake evidence only]' '-o[output file]:file:_files' '--force[overwrite]' '--max-held[memory budget for held bytes]:size:' '*--keylog[TLS key log file]:file:_files' '--with-secrets[embed the flows TLS secrets (pcapng)]' '*:capture:_files' ;;
    diff) _arguments '--json[one JSON object]' '--max-held[memory budget for held bytes]:size:' '*--keylog[TLS key log file]:file:_files' '*:capture:_files' ;;
    capture) _arguments '-w[also write the packets to a pcap file]:file:_files' '--force[overwrite]' '--duration[stop after this long]:duration:' '--json[one JSON object per flow]' '--filter[filter expression]:expr:' '--failures[only failures]' '--max-held[memory budget for held bytes]:size:' '--spool[raw packets kept for export on live input]:size:' '--retain-flows[finished flows kept on live input]:count:' '--retain-ok[keep finished successes this long]:duration:' '--retain-failed[keep finished failures this long]:duration:' '--idle[idle time that finishes a connection]:duration:' '1:interface:_net_interfaces' '*:filter:(port host net tcp and or not)' ;;
    completion) _values 'shell' bash zsh fish ;;
    help) _values 'topic' summary export diff capture completion filter ;;
  esac
}
_pcapsurgery "$@"
`

const fishCompletion = `# fish completion for pcapsurgery
complete -c pcapsurgery -n '__fish_use_subcommand' -a summary -d 'print one line (or JSON object) per flow'
complete -c pcapsurgery -n '__fish_use_subcommand' -a export -d 'write flows to a new capture'
complete -c pcapsurgery -n '__fish_use_subcommand' -a diff -d 'compare a flow with a working one, or two flows'
complete -c pcapsurgery -n '__fish_use_subcommand' -a capture -d 'capture an interface live (Linux)'
complete -c pcapsurgery -n '__fish_use_subcommand' -a completion -d 'print a shell completion script'
complete -c pcapsurgery -n '__fish_use_subcommand' -a help -d 'show help for a command'
complete -c pcapsurgery -n '__fish_use_subcommand' -l version -d 'print the version'
complete -c pcapsurgery -n '__fish_seen_subcommand_from summary diff capture' -l json -d 'JSON output'
complete -c pcapsurgery -n '__fish_seen_subcommand_from summary export capture' -l filter -r -d 'filter expression'
complete -c pcapsurgery -n '__fish_seen_subcommand_from summary capture' -l failures -d 'only failures'
complete -c pcapsurgery -n '__fish_seen_subcommand_from summary' -l by -x -a 'server sni client clientnet ja4 ja4a outcome alert version cipher issuer' -d 'group flows by KEY or KEY,KEY2'
complete -c pcapsurgery -l max-held -r -d 'memory budget for held bytes'
complete -c pcapsurgery -l spool -r -d 'raw packets kept for export on live input'
complete -c pcapsurgery -l retain-flows -r -d 'live input: finished flows kept at most'
complete -c pcapsurgery -l retain-ok -r -d 'live input: how long a finished success is kept'
complete -c pcapsurgery -l retain-failed -r -d 'live input: how long a finished failure is kept'
complete -c pcapsurgery -l idle -r -d 'live input: idle time after which a connection counts as finished'
complete -c pcapsurgery -l keylog -r -F -d 'TLS key log file'
complete -c pcapsurgery -l with-secrets -d 'embed the exported flows TLS secrets (pcapng)'
complete -c pcapsurgery -n '__fish_seen_subcommand_from export' -l flow -r -d 'flow ID'
complete -c pcapsurgery -n '__fish_seen_subcommand_from export' -l evidence -d 'handshake evidence only'
complete -c pcapsurgery -n '__fish_seen_subcommand_from export' -s o -r -F -d 'output file'
complete -c pcapsurgery -n '__fish_seen_subcommand_from export capture' -l force -d 'overwrite the output'
complete -c pcapsurgery -n '__fish_seen_subcommand_from capture' -s w -r -F -d 'also write the packets to a pcap file'
complete -c pcapsurgery -n '__fish_seen_subcommand_from capture' -l duration -r -d 'stop after this long'
complete -c pcapsurgery -n '__fish_seen_subcommand_from capture' -a '(__fish_print_interfaces)' -d 'interface'
complete -c pcapsurgery -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'
complete -c pcapsurgery -n '__fish_seen_subcommand_from help' -a 'summary export diff capture completion filter'
`

func completion(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		return usageError(stderr, "completion needs one shell: bash, zsh or fish")
	}
	script := map[string]string{"bash": bashCompletion, "zsh": zshCompletion, "fish": fishCompletion}[args[0]]
	if script == "" {
		return usageError(stderr, "no completion for shell %q (bash, zsh, fish)", args[0])
	}
	fmt.Fprint(stdout, script)
	return exitOK
}
