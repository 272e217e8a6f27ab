package main

import (
	"strings"
)

// The sections cobra's generator knows nothing of, in roff. The main page
// carries them in full; every other page says where to find them. They
// are kept by hand beside cli/env.go (the environment), cli/root.go (the
// exit codes) and keystore (the files): the test checks they are here.

// environment lists every variable connectwiz reads.
var environment = []struct{ name, text string }{
	{"CONNECTWIZ_USER_SECRET, CONNECTWIZ_ORG_SECRET", "The platform's User and Organization secrets. Secrets are never flags (flags show in ps(1))."},
	{"CONNECTWIZ_CLIENT_SECRET", "The OAuth client secret registered with the provider."},
	{"CONNECTWIZ_BASE_URL", "The platform API root, as --base-url (the flag wins)."},
	{"CONNECTWIZ_KEY", "The connector key, as --key."},
	{"CONNECTWIZ_CLIENT_ID", "The OAuth client id, as --client-id."},
	{"CONNECTWIZ_CALLBACK_URL", "The OAuth callback URL, as --callback-url."},
	{"CONNECTWIZ_CONFIG_DIR", "The config dir (see FILES)."},
	{"CONNECTWIZ_KEYRING_TIMEOUT", "How long one keychain call may take, a duration such as 5s (the default)."},
	{"CONNECTWIZ_DEBUG", "Write a debug log to this file, as --debug (secrets redacted)."},
	{"CONNECTWIZ_CODE, CONNECTWIZ_CONFIG_<KEY>", "Not read by connectwiz: the curl command the review shows (v) refers to the authorization code and to secret configuration entries by these names."},
	{"ACCESSIBLE", "When set, plain line prompts instead of the full-screen wizard, as --accessible."},
	{"BROWSER", "The command that opens the authorize URL (a list separated by colons is tried in order)."},
	{"NO_COLOR", "When set, no colours (so does TERM=dumb)."},
	{"HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "Proxies for the platform calls (and their lower-case forms); the loopback callback never goes through a proxy."},
	{"SSL_CERT_FILE, SSL_CERT_DIR", "Where the certificate authorities that platform certificates are checked against are (Linux and BSD)."},
	{"XDG_CONFIG_HOME", "The base of the default config dir on Linux and BSD (default ~/.config)."},
	{"DBUS_SESSION_BUS_ADDRESS", "On Linux and BSD, the session bus of the keychain (Secret Service). When it is unset the keychain is not used and tokens go to the 0600 file; connectwiz never starts a bus of its own."},
}

// exitStatus lists connectwiz's exit codes (cli/root.go).
var exitStatus = []struct{ code, text string }{
	{"0", "Success."},
	{"1", "An error (and for doctor: something needs fixing)."},
	{"2", "A usage error or missing input: a bad flag or argument, an answer that is needed without a terminal to ask, a name that is taken, configuration entries the platform requires."},
	{"130", "Interrupted (SIGINT, SIGTERM or SIGHUP); a create that was sent is finished and its token stored first."},
}

// files lists what connectwiz keeps in the config dir (keystore).
var files = []struct{ name, text string }{
	{"$CONNECTWIZ_CONFIG_DIR, else $XDG_CONFIG_HOME/connectwiz (~/.config/connectwiz)", "The config dir, mode 0700. On macOS ~/Library/Application Support/connectwiz, on Windows %AppData%\\connectwiz."},
	{"instances.json", "The index: each instance's name, id, connector, platform URL, tags, creation time and where its token is. No secrets."},
	{"tokens.json", "The token fallback file, mode 0600: tokens the keychain could not take (unavailable, too slow, or --insecure-storage). You are told each time a token goes there."},
	{"pending/", "A record (no secrets) written before each create and cleared once its token is stored; connectwiz recover settles the ones left."},
	{"answers.json", "The last run's non-secret answers, to prefill the next one."},
	{".lock", "The lock two connectwiz processes share the store by."},
	{"sandbox/", "The sandbox store: instances made with --sandbox, with their own instances.json and their test tokens in their own 0600 tokens.json, never in the keychain or the real index."},
}

// extraSections is the roff of ENVIRONMENT, EXIT STATUS and FILES for the
// page of cmd (its dashed name): the full text on the root page, a pointer
// to it on the others.
func extraSections(root, dashed string) string {
	var b strings.Builder
	if dashed != root {
		for _, s := range []string{"EXIT STATUS", "ENVIRONMENT", "FILES"} {
			b.WriteString(".SH " + s + "\n")
			b.WriteString("See \\fB" + roffEscape(root) + "\\fP(1).\n\n")
		}
		return b.String()
	}
	b.WriteString(".SH EXIT STATUS\n")
	for _, e := range exitStatus {
		b.WriteString(".TP\n\\fB" + e.code + "\\fP\n" + roffEscape(e.text) + "\n")
	}
	b.WriteString("\n.SH ENVIRONMENT\n")
	for _, e := range environment {
		b.WriteString(".TP\n\\fB" + roffEscape(e.name) + "\\fP\n" + roffEscape(e.text) + "\n")
	}
	b.WriteString("\n.SH FILES\n")
	b.WriteString("The config dir holds, besides any file you name with --debug:\n")
	for _, f := range files {
		b.WriteString(".TP\n\\fI" + roffEscape(f.name) + "\\fP\n" + roffEscape(f.text) + "\n")
	}
	b.WriteString(".PP\nInstance tokens are kept in the OS keychain: service \\fBconnectwiz\\fP, account \\fBinstance:\\fP\\fIhost\\fP\\fB/\\fP\\fIid\\fP. Secrets remembered with --remember are too, account \\fBsecrets:\\fP\\fIplatform URL\\fP.\n\n")
	return b.String()
}

// roffEscape makes text safe as roff text: backslashes and dashes
// escaped, and no line starting with a control character.
func roffEscape(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}
