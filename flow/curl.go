package flow

import (
	"bytes"
	"fmt"
	"strings"
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

// Curl renders the create as the equivalent curl command, with every
// secret as a $ENV reference.
func (r InstanceRequest) Curl(baseURL string) string {
	const secretMark, codeMark = "\x00CLIENT_SECRET\x00", "\x00CODE\x00"
	req := r
	req.ClientSecret = secretMark
	req.Code = codeMark
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
	return fmt.Sprintf(`curl -X POST '%s/instances' \
  -H "Authorization: User ${%s}, Organization ${%s}" \
  -H 'Content-Type: application/json' \
  --data-binary @- <<EOF
%s
EOF`, strings.TrimRight(baseURL, "/"), EnvUserSecret, EnvOrgSecret, text)
}

// ShellQuote quotes s for a POSIX shell when it needs quoting.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return r != '-' && r != '_' && r != '.' && r != '/' && (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
