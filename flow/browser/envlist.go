package browser

import (
	"fmt"
	"strings"

	"github.com/mattn/go-shellwords"

	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// Env returns environ without the variables that carry connectwiz's
// secrets: every CONNECTWIZ_* variable whose name speaks of a secret,
// token or password (CONNECTWIZ_USER_SECRET, CONNECTWIZ_ORG_SECRET,
// CONNECTWIZ_CLIENT_SECRET, ...) and CONNECTWIZ_CODE. A browser has no use
// for them, and every program it starts would inherit them.
func Env(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if secretEnvName(name) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func secretEnvName(name string) bool {
	n := strings.ToUpper(name)
	if !strings.HasPrefix(n, "CONNECTWIZ_") {
		return false
	}
	return secret.IsSecretParam(strings.TrimPrefix(n, "CONNECTWIZ_"))
}

// splitBrowserList splits $BROWSER at its list separator, outside quotes.
func splitBrowserList(env, goos string) []string {
	sep := ':'
	if goos == "windows" {
		sep = ';'
	}
	var out []string
	var cur strings.Builder
	var single, double, escaped bool
	for _, r := range env {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && !single && goos != "windows":
			escaped = true
		case r == '\'' && !double:
			single = !single
		case r == '"' && !single:
			double = !double
		case r == sep && !single && !double:
			out = appendEntry(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return appendEntry(out, cur.String())
}

func appendEntry(list []string, e string) []string {
	if strings.TrimSpace(e) == "" {
		return list
	}
	return append(list, e)
}

// browserArgs splits one $BROWSER command and puts the URL in it.
func (b Browser) browserArgs(entry, raw string) ([]string, error) {
	p := shellwords.NewParser()
	p.ParseEnv = true
	p.ParseBacktick = false
	p.Getenv = func(name string) string {
		if secretEnvName(name) {
			return "" // a secret never reaches a browser's argv
		}
		return b.getenv(name)
	}
	args, err := p.Parse(entry)
	if err != nil {
		return nil, fmt.Errorf("%q: cannot be split into words (%v)", termsafe.Sanitize(entry, 100), err)
	}
	if p.Position >= 0 {
		return nil, fmt.Errorf("%q: uses shell syntax (; & | < > or a substitution) that connectwiz does not run; put the command in a script", termsafe.Sanitize(entry, 100))
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("%q: names no command", termsafe.Sanitize(entry, 100))
	}
	placed := false
	for i, a := range args {
		args[i] = expandPercent(a, raw, &placed)
	}
	if !placed {
		args = append(args, raw)
	}
	return args, nil
}

// expandPercent replaces %s by the URL and %% by %; any other % stays.
func expandPercent(arg, raw string, placed *bool) string {
	if !strings.Contains(arg, "%") {
		return arg
	}
	var out strings.Builder
	for i := 0; i < len(arg); i++ {
		if arg[i] == '%' && i+1 < len(arg) {
			switch arg[i+1] {
			case 's':
				out.WriteString(raw)
				*placed = true
				i++
				continue
			case '%':
				out.WriteByte('%')
				i++
				continue
			}
		}
		out.WriteByte(arg[i])
	}
	return out.String()
}
