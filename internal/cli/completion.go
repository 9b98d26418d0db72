package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// The completion scripts are generated from the command table (commands)
// and from each command's and subcommand's own flag set, obtained by
// asking it for help, so they list exactly what this binary accepts. They
// complete, in bash, zsh and fish alike:
//
//   - the command (feedsift st<TAB>);
//   - a command's subcommand or first-argument choice (feeds <TAB>,
//     dupes s<TAB>, completion <TAB>, help <TAB>, help feeds <TAB>);
//   - the flags of the command, or of the subcommand once it is typed
//     (feeds add --<TAB>, dupes --<TAB>);
//   - file names only where a file belongs: after a flag that takes a
//     value, and for the FILE arguments of a synopsis (extract, feeds
//     import, feeds export).

// compFlag is a flag as the completion scripts offer it.
type compFlag struct {
	name, usage string
	value       bool // takes a value (not a boolean flag)
	file        bool // the value is a file or directory name
}

// fileFlags are the flags whose value is a file, a directory or a program:
// after them the scripts complete file names, after other flags that take
// a value nothing.
var fileFlags = map[string]bool{"config": true, "data": true, "corpus": true, "out": true, "compare": true}

// flagName is the flag as it is typed: -v, --config.
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// compCmd is a command or a subcommand as the completion scripts see it.
type compCmd struct {
	path    string // "feeds" or "feeds add"
	summary string
	flags   []compFlag
	files   bool              // takes file arguments
	subs    []*compCmd        // subcommands
	words   []string          // first-argument choices that are not subcommands
	descs   map[string]string // the words' descriptions
}

// completionSpec returns every command, with its subcommands and flags.
func completionSpec() []*compCmd {
	var spec []*compCmd
	all := commands()
	for _, c := range all {
		cc := specOf(c.name, helpOf(c))
		for _, sub := range c.subs {
			cc.subs = append(cc.subs, specOf(c.name+" "+sub, helpOf(c, sub)))
		}
		cc.words = c.words
		if c.name == "help" {
			cc.descs = map[string]string{}
			for _, o := range all {
				cc.words = append(cc.words, o.name)
				cc.descs[o.name] = o.summary
			}
		}
		spec = append(spec, cc)
	}
	return spec
}

func specOf(path string, h *helpRequest) *compCmd {
	cc := &compCmd{path: path, summary: summaryOf(path)}
	if h == nil {
		return cc
	}
	h.fs.VisitAll(func(f *flag.Flag) {
		_, usage := flag.UnquoteUsage(f)
		b, ok := f.Value.(interface{ IsBoolFlag() bool })
		value := !ok || !b.IsBoolFlag()
		cc.flags = append(cc.flags, compFlag{name: flagName(f.Name), usage: usage, value: value, file: value && fileFlags[f.Name]})
	})
	cc.files = takesFiles(h.synopsis())
	return cc
}

// takesFiles reports whether a synopsis has a FILE argument that is not
// a flag's value ("extract ... FILE...", "feeds export [FILE]", but not
// "eval dedupe [--out FILE]").
func takesFiles(synopsis []string) bool {
	for _, l := range synopsis {
		prev := ""
		for w := range strings.FieldsSeq(l) {
			w = strings.Trim(w, "[]|")
			if strings.HasPrefix(w, "FILE") && !strings.HasPrefix(prev, "-") {
				return true
			}
			prev = w
		}
	}
	return false
}

// flagNames returns the names of the flags for which keep is true.
func (c *compCmd) flagNames(keep func(compFlag) bool) []string {
	var names []string
	for _, f := range c.flags {
		if keep(f) {
			names = append(names, f.name)
		}
	}
	return names
}

func anyFlag(compFlag) bool     { return true }
func valueFlag(f compFlag) bool { return f.value }
func fileFlag(f compFlag) bool  { return f.file }

func (c *compCmd) subNames() []string {
	var names []string
	for _, s := range c.subs {
		names = append(names, strings.TrimPrefix(s.path, c.path+" "))
	}
	return names
}

// each calls fn for the command and each of its subcommands, with the
// subcommand's name ("" for the command itself).
func (c *compCmd) each(fn func(sub string, s *compCmd)) {
	fn("", c)
	for _, s := range c.subs {
		fn(strings.TrimPrefix(s.path, c.path+" "), s)
	}
}

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
	var script string
	switch fs.Arg(0) {
	case "bash":
		script = bashScript(completionSpec())
	case "zsh":
		script = zshScript(completionSpec())
	case "fish":
		script = fishScript(completionSpec())
	default:
		fs.Usage()
		return fmt.Errorf("%w: completion: unknown shell %q (want bash, zsh or fish)", ErrUsage, fs.Arg(0))
	}
	_, err := io.WriteString(stdout, script)
	return err
}

// quote quotes s for bash, zsh and fish: in single quotes, each single
// quote written as '\”. (Fish reads \' inside single quotes as a quote
// too, so fishQuote is used there.)
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func bashScript(spec []*compCmd) string {
	var b strings.Builder
	b.WriteString(`# bash completion for feedsift, generated by "feedsift completion bash". Install:
#   feedsift completion bash > /etc/bash_completion.d/feedsift
# or source it from ~/.bashrc. Print it again after an upgrade.

# _feedsift_subs CMD: the subcommands of CMD.
_feedsift_subs() {
	case "$1" in
`)
	for _, c := range spec {
		if len(c.subs) > 0 {
			fmt.Fprintf(&b, "\t%s) echo %s ;;\n", c.path, quote(strings.Join(c.subNames(), " ")))
		}
	}
	b.WriteString(`	esac
}

# _feedsift_words CMD: the choices of CMD's first argument that are not subcommands.
_feedsift_words() {
	case "$1" in
`)
	for _, c := range spec {
		if len(c.words) > 0 {
			fmt.Fprintf(&b, "\t%s) echo %s ;;\n", c.path, quote(strings.Join(c.words, " ")))
		}
	}
	b.WriteString(`	esac
}

# _feedsift_flags CMD SUB [value|file]: the flags of CMD, or of its
# subcommand SUB; with "value" those that take a value, with "file" those
# whose value is a file name.
_feedsift_flags() {
	case "$1/$2/$3" in
`)
	for _, c := range spec {
		c.each(func(sub string, s *compCmd) {
			for _, k := range []struct {
				suffix string
				keep   func(compFlag) bool
			}{{"", anyFlag}, {"value", valueFlag}, {"file", fileFlag}} {
				if names := s.flagNames(k.keep); len(names) > 0 {
					fmt.Fprintf(&b, "\t%s/%s/%s) echo %s ;;\n", c.path, sub, k.suffix, quote(strings.Join(names, " ")))
				}
			}
		})
	}
	b.WriteString(`	esac
}

# _feedsift_files CMD SUB: succeeds when CMD (SUB) takes file arguments.
_feedsift_files() {
	case "$1/$2" in
`)
	writeFilesCase(&b, spec)
	var names []string
	for _, c := range spec {
		names = append(names, c.path)
	}
	fmt.Fprintf(&b, `	esac
	return 1
}

_feedsift() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd=${COMP_WORDS[1]} sub="" subs words
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W %s -- "$cur"))
		return
	fi
	subs=$(_feedsift_subs "$cmd")
	if [ "$COMP_CWORD" -ge 3 ] && [ -n "$subs" ]; then
		case " $subs " in *" ${COMP_WORDS[2]} "*) sub=${COMP_WORDS[2]} ;; esac
	fi
	case "$cur" in
	-*)
		COMPREPLY=($(compgen -W "$(_feedsift_flags "$cmd" "$sub")" -- "$cur"))
		return
		;;
	esac
	case " $(_feedsift_flags "$cmd" "$sub" file) " in
	*" $prev "*)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	esac
	case " $(_feedsift_flags "$cmd" "$sub" value) " in
	*" $prev "*) return ;;
	esac
	if [ "$COMP_CWORD" -eq 2 ]; then
		words="$subs $(_feedsift_words "$cmd")"
		if [ -n "${words// /}" ]; then
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
			return
		fi
	elif [ "$COMP_CWORD" -eq 3 ] && [ "$cmd" = help ]; then
		COMPREPLY=($(compgen -W "$(_feedsift_subs "${COMP_WORDS[2]}")" -- "$cur"))
		return
	fi
	if _feedsift_files "$cmd" "$sub"; then
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _feedsift feedsift
`, quote(strings.Join(names, " ")))
	return b.String()
}

// zshDescribe is a _describe item "name:description", with the colons of
// the name escaped.
func zshDescribe(name, desc string) string {
	return quote(strings.ReplaceAll(name, ":", `\:`) + ":" + desc)
}

func zshScript(spec []*compCmd) string {
	var b strings.Builder
	b.WriteString(`#compdef feedsift
# zsh completion for feedsift, generated by "feedsift completion zsh". Install:
#   feedsift completion zsh > "${fpath[1]}/_feedsift"
# then start a new shell (compinit), or source it after compinit. Print it
# again after an upgrade.

# _feedsift_subs CMD: the subcommands of CMD, then its other first-argument
# choices, as name:description into the array reply.
_feedsift_subs() {
	reply=()
	case $1 in
`)
	for _, c := range spec {
		var items []string
		for _, s := range c.subs {
			items = append(items, zshDescribe(strings.TrimPrefix(s.path, c.path+" "), s.summary))
		}
		for _, w := range c.words {
			items = append(items, zshDescribe(w, c.descs[w]))
		}
		if len(items) > 0 {
			fmt.Fprintf(&b, "\t%s) reply=(%s) ;;\n", c.path, strings.Join(items, " "))
		}
	}
	b.WriteString(`	esac
}

# _feedsift_flags CMD SUB: the flags of CMD, or of its subcommand SUB, as
# name:description into reply, those that take a value into values, and
# those whose value is a file name into files.
_feedsift_flags() {
	reply=() values=() files=()
	case $1/$2 in
`)
	for _, c := range spec {
		c.each(func(sub string, s *compCmd) {
			if len(s.flags) == 0 {
				return
			}
			var items []string
			for _, f := range s.flags {
				items = append(items, zshDescribe(f.name, f.usage))
			}
			fmt.Fprintf(&b, "\t%s/%s) reply=(%s)", c.path, sub, strings.Join(items, " "))
			if v := s.flagNames(valueFlag); len(v) > 0 {
				fmt.Fprintf(&b, "; values=(%s)", strings.Join(v, " "))
			}
			if v := s.flagNames(fileFlag); len(v) > 0 {
				fmt.Fprintf(&b, "; files=(%s)", strings.Join(v, " "))
			}
			b.WriteString(" ;;\n")
		})
	}
	b.WriteString(`	esac
}

# _feedsift_files CMD SUB: succeeds when CMD (SUB) takes file arguments.
_feedsift_files() {
	case $1/$2 in
`)
	writeFilesCase(&b, spec)
	var cmds []string
	for _, c := range spec {
		cmds = append(cmds, zshDescribe(c.path, c.summary))
	}
	fmt.Fprintf(&b, `	esac
	return 1
}

_feedsift() {
	local cmd=$words[2] sub= cur=$words[CURRENT] prev=$words[CURRENT-1]
	local -a reply values files subnames
	if (( CURRENT == 2 )); then
		local -a cmds
		cmds=(%s)
		_describe 'command' cmds
		return
	fi
	_feedsift_subs $cmd
	subnames=(${reply%%%%:*})
	if (( CURRENT >= 4 && ${subnames[(Ie)$words[3]]} )); then
		sub=$words[3]
	fi
	_feedsift_flags $cmd $sub
	if [[ $cur == -* ]]; then
		_describe 'flag' reply
		return
	fi
	if (( ${files[(Ie)$prev]} )); then
		_files
		return
	fi
	if (( ${values[(Ie)$prev]} )); then
		return
	fi
	if (( CURRENT == 3 )); then
		_feedsift_subs $cmd
		if (( ${#reply} )); then
			_describe 'subcommand' reply
			return
		fi
	elif (( CURRENT == 4 )) && [[ $cmd == help ]]; then
		_feedsift_subs $words[3]
		_describe 'subcommand' reply
		return
	fi
	if _feedsift_files $cmd $sub; then
		_files
	fi
}

if [[ $funcstack[1] == _feedsift ]]; then
	_feedsift "$@"
else
	compdef _feedsift feedsift
fi
`, strings.Join(cmds, " "))
	return b.String()
}

func fishScript(spec []*compCmd) string {
	var b strings.Builder
	b.WriteString(`# fish completion for feedsift, generated by "feedsift completion fish". Install:
#   feedsift completion fish > ~/.config/fish/completions/feedsift.fish
# Print it again after an upgrade.

# __feedsift_subs CMD: the subcommands of CMD.
function __feedsift_subs
    switch $argv[1]
`)
	for _, c := range spec {
		if len(c.subs) > 0 {
			fmt.Fprintf(&b, "        case %s\n            printf '%%s\\n' %s\n", c.path, strings.Join(c.subNames(), " "))
		}
	}
	b.WriteString(`    end
end

# __feedsift_at CMD [SUB]: the command line so far is "feedsift CMD ..."
# (and not in a subcommand of CMD), or "feedsift CMD SUB ...".
function __feedsift_at
    set -l w (commandline -opc)
    test (count $w) -ge 2; and test "$w[2]" = "$argv[1]"; or return 1
    if set -q argv[2]
        test (count $w) -ge 3; and test "$w[3]" = "$argv[2]"
        return
    end
    test (count $w) -lt 3; or not contains -- "$w[3]" (__feedsift_subs $argv[1])
end

# __feedsift_arg CMD [WORD]: completing the first argument of CMD (with
# WORD: the second, after WORD).
function __feedsift_arg
    set -l w (commandline -opc)
    if set -q argv[2]
        test (count $w) -eq 3; and test "$w[2]" = "$argv[1]"; and test "$w[3]" = "$argv[2]"
        return
    end
    test (count $w) -eq 2; and test "$w[2]" = "$argv[1]"
end

complete -c feedsift -f
`)
	for _, c := range spec {
		fmt.Fprintf(&b, "complete -c feedsift -n __fish_use_subcommand -a %s -d %s\n", c.path, fishQuote(c.summary))
	}
	for _, c := range spec {
		for _, s := range c.subs {
			name := strings.TrimPrefix(s.path, c.path+" ")
			fmt.Fprintf(&b, "complete -c feedsift -n '__feedsift_arg %s' -a %s -d %s\n", c.path, name, fishQuote(s.summary))
			fmt.Fprintf(&b, "complete -c feedsift -n '__feedsift_arg help %s' -a %s -d %s\n", c.path, name, fishQuote(s.summary))
		}
		for _, w := range c.words {
			d := c.descs[w]
			if d == "" {
				d = c.path + " " + w
			}
			fmt.Fprintf(&b, "complete -c feedsift -n '__feedsift_arg %s' -a %s -d %s\n", c.path, w, fishQuote(d))
		}
		c.each(func(sub string, s *compCmd) {
			cond := strings.TrimSpace("__feedsift_at " + c.path + " " + sub)
			for _, f := range s.flags {
				opt := "-l " + strings.TrimPrefix(f.name, "--")
				if len(f.name) == 2 {
					opt = "-o " + f.name[1:] // -v: fish's old-style option
				}
				switch {
				case f.file:
					opt += " -r -F"
				case f.value:
					opt += " -x"
				}
				fmt.Fprintf(&b, "complete -c feedsift -n '%s' %s -d %s\n", cond, opt, fishQuote(f.usage))
			}
			if s.files {
				fmt.Fprintf(&b, "complete -c feedsift -n '%s' -F\n", cond)
			}
		})
	}
	return b.String()
}

// writeFilesCase writes the shell case arm, shared by the bash and zsh
// scripts, that matches the "CMD/SUB" pairs taking file arguments.
func writeFilesCase(b *strings.Builder, spec []*compCmd) {
	var files []string
	for _, c := range spec {
		c.each(func(sub string, s *compCmd) {
			if s.files {
				files = append(files, c.path+"/"+sub)
			}
		})
	}
	if len(files) > 0 {
		fmt.Fprintf(b, "\t%s) return 0 ;;\n", strings.Join(files, "|"))
	}
}
