package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// The completion scripts complete command names from the list they were
// generated with, and a command's flags by asking "feedsift CMD -h" at
// completion time, so flags never go stale in an installed script.

const bashCompletion = `# bash completion for feedsift. Install:
#   feedsift completion bash > /etc/bash_completion.d/feedsift
_feedsift() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "%[1]s" -- "$cur"))
		return
	fi
	case "$cur" in
	-*)
		local flags
		flags=$("${COMP_WORDS[0]}" "${COMP_WORDS[1]}" -h 2>&1 | sed -n 's/^  \(-[A-Za-z0-9-]*\).*/-\1/p')
		COMPREPLY=($(compgen -W "$flags" -- "$cur"))
		;;
	*)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
}
complete -F _feedsift feedsift
`

const zshCompletion = `#compdef feedsift
# zsh completion for feedsift. Install:
#   feedsift completion zsh > "${fpath[1]}/_feedsift"
_feedsift() {
	if (( CURRENT == 2 )); then
		local -a cmds
		cmds=(%[2]s)
		_describe 'command' cmds
		return
	fi
	if [[ $words[CURRENT] == -* ]]; then
		local -a flags
		flags=(${(f)"$($words[1] $words[2] -h 2>&1 | sed -n 's/^  \(-[A-Za-z0-9-]*\).*/-\1/p')"})
		compadd -a flags
		return
	fi
	_files
}
compdef _feedsift feedsift
`

const fishCompletion = `# fish completion for feedsift. Install:
#   feedsift completion fish > ~/.config/fish/completions/feedsift.fish
complete -c feedsift -f
%[3]scomplete -c feedsift -n 'not __fish_use_subcommand' -a '(set -l c (commandline -opc); $c[1] $c[2] -h 2>&1 | string replace -rf "^  -([A-Za-z0-9-]+).*" -- "--\$1")'
complete -c feedsift -n 'not __fish_use_subcommand' -F
`

// runCompletion is "feedsift completion bash|zsh|fish".
func runCompletion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("completion", "completion bash|zsh|fish", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: completion: want one shell: bash, zsh or fish", ErrUsage)
	}
	var names, zsh, fish []string
	for _, c := range commands() {
		names = append(names, c.name)
		zsh = append(zsh, fmt.Sprintf("'%s:%s'", c.name, strings.ReplaceAll(c.summary, "'", "")))
		fish = append(fish, fmt.Sprintf("complete -c feedsift -n __fish_use_subcommand -a %s -d '%s'\n", c.name, strings.ReplaceAll(c.summary, "'", "")))
	}
	var tmpl string
	switch fs.Arg(0) {
	case "bash":
		tmpl = bashCompletion
	case "zsh":
		tmpl = zshCompletion
	case "fish":
		tmpl = fishCompletion
	default:
		return fmt.Errorf("%w: completion: unknown shell %q (want bash, zsh or fish)", ErrUsage, fs.Arg(0))
	}
	_, err := fmt.Fprintf(stdout, tmpl, strings.Join(names, " "), strings.Join(zsh, " "), strings.Join(fish, ""))
	return err
}
