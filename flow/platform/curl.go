package platform

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/connectwiz/connectwiz/flow/secret"
)

// Environment variables the curl rendering refers to instead of secrets.
//
//nolint:gosec // names of environment variables, not credentials
const (
	EnvUserSecret   = "CONNECTWIZ_USER_SECRET"
	EnvOrgSecret    = "CONNECTWIZ_ORG_SECRET"
	EnvClientSecret = "CONNECTWIZ_CLIENT_SECRET"
	EnvCode         = "CONNECTWIZ_CODE"
)

// DeleteCurl is the curl command that deletes instance id on the platform
// at baseURL (DELETE /instances/{id}), its secrets as $ENV references.
func DeleteCurl(baseURL, id string) string {
	return fmt.Sprintf("curl -X DELETE %s -H \"Authorization: User ${%s}, Organization ${%s}\"",
		ShellQuote(strings.TrimRight(baseURL, "/")+"/instances/"+id), EnvUserSecret, EnvOrgSecret)
}

// Curl renders the create as the equivalent curl command, with every
// secret as a $ENV reference: the platform's secrets, the client secret,
// the code, and every extra configuration value whose key looks secret
// (IsSecretKey, the rule the review uses to mask them) as
// CONNECTWIZ_CONFIG_<KEY>.
func (r InstanceRequest) Curl(baseURL string) string {
	const secretMark, codeMark = "\x00CLIENT_SECRET\x00", "\x00CODE\x00"
	req := r
	req.ClientSecret = secretMark
	req.Code = codeMark
	req.Extra = make(map[string]string, len(r.Extra))
	marks := map[string]string{}
	for k, v := range r.Extra {
		if secret.IsSecretKey(k) {
			mark := "\x00CONFIG " + k + "\x00"
			marks[jsonEscape(mark)] = "${" + ConfigEnv(k) + "}"
			v = mark
		}
		req.Extra[k] = v
	}
	body, err := req.wireBody()
	if err != nil {
		return ""
	}
	var pretty bytes.Buffer
	_ = jsonIndent(&pretty, body)
	text := pretty.String()
	// The heredoc below expands $VAR: escape what the shell would touch.
	text = strings.NewReplacer(`\`, `\\`, "$", `\$`, "`", "\\`").Replace(text)
	text = strings.ReplaceAll(text, jsonEscape(secretMark), "${"+EnvClientSecret+"}")
	text = strings.ReplaceAll(text, jsonEscape(codeMark), "${"+EnvCode+"}")
	for mark, ref := range marks {
		text = strings.ReplaceAll(text, mark, ref)
	}
	return fmt.Sprintf(`curl -X POST %s \
  -H "Authorization: User ${%s}, Organization ${%s}" \
  -H 'Content-Type: application/json' \
  --data-binary @- <<EOF
%s
EOF`, shellQuoteAlways(strings.TrimRight(baseURL, "/")+"/instances"), EnvUserSecret, EnvOrgSecret, text)
}

// ConfigEnv is the environment variable the curl rendering reads a secret
// configuration entry from: CONNECTWIZ_CONFIG_ and the key in upper case,
// every other character an underscore.
func ConfigEnv(key string) string {
	var b strings.Builder
	b.WriteString("CONNECTWIZ_CONFIG_")
	for _, r := range strings.ToUpper(key) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func shellQuoteAlways(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// ShellQuote quotes s for a POSIX shell when it needs quoting.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return r != '-' && r != '_' && r != '.' && r != '/' && (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z')
	}) < 0 {
		return s
	}
	return shellQuoteAlways(s)
}
