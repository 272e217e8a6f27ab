package sandbox

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow/platform"
)

func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	want := "User " + s.opts.UserSecret + ", Organization " + s.opts.OrgSecret
	if r.Header.Get("Authorization") != want {
		s.fail(w, http.StatusUnauthorized, "Invalid Organization or User secret, or invalid Authorization header", "")
		return false
	}
	return true
}

type createBody struct {
	Connector *struct {
		Key string `json:"key"`
	} `json:"your_mom"`
	ProviderData *struct {
		Code string `json:"code"`
	} `json:"providerData"`
	Configuration map[string]string `json:"configuration"`
	Tags          []string          `json:"tags"`
	Name          string            `json:"name"`
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	if s.opts.CreateDelay > 0 {
		select {
		case <-time.After(s.opts.CreateDelay):
		case <-r.Context().Done():
			return
		}
	}
	if !s.authorized(w, r) {
		return
	}
	if n := s.opts.FailListsAfterCreate; n > 0 {
		s.FailLists(n)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.fail(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json", "")
		return
	}
	var b createBody
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body is not valid JSON: "+err.Error(), "")
		return
	}
	if b.Connector == nil || b.Connector.Key == "" {
		s.fail(w, http.StatusBadRequest, "The request body has no "+platform.WireConnector+".key", "")
		return
	}
	if _, ok := connectors[b.Connector.Key]; !ok {
		s.fail(w, http.StatusNotFound, fmt.Sprintf("No %s found with key '%s'", platform.WireConnector, b.Connector.Key), "")
		return
	}
	if strings.TrimSpace(b.Name) == "" {
		s.fail(w, http.StatusBadRequest, "The instance name is required", "")
		return
	}
	if b.Tags == nil {
		s.fail(w, http.StatusBadRequest, "tags must be an array of strings", "")
		return
	}
	var missing []string
	for _, k := range append([]string{platform.ConfigClientID, platform.ConfigClientSecret, platform.ConfigCallbackURL}, s.opts.RequireConfig...) {
		if strings.TrimSpace(b.Configuration[k]) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		s.fail(w, http.StatusBadRequest, "Missing required configuration entries: "+strings.Join(missing, ", "), "")
		return
	}
	if b.ProviderData == nil || b.ProviderData.Code == "" {
		s.fail(w, http.StatusBadRequest, "providerData.code is required", "")
		return
	}
	conf := b.Configuration
	if conf[platform.ConfigClientID] != s.opts.ClientID || conf[platform.ConfigClientSecret] != s.opts.ClientSecret {
		s.fail(w, http.StatusBadRequest, "The provider refused the OAuth client", "invalid_client: unknown client id or wrong client secret")
		return
	}
	s.mu.Lock()
	if s.failLeft > 0 { // the provider was not reached: the code is not used up
		s.failLeft--
		s.mu.Unlock()
		s.fail(w, cmp.Or(s.opts.FailStatus, http.StatusBadGateway), "The provider could not be reached (sandbox fault)", "")
		return
	}
	g, ok := s.codes[b.ProviderData.Code]
	delete(s.codes, b.ProviderData.Code) // single use, even when refused
	s.mu.Unlock()
	switch {
	case !ok:
		s.fail(w, http.StatusBadRequest, "The provider refused the authorization code", "invalid_grant: the code is unknown or was already used")
		return
	case time.Now().After(g.expires):
		s.fail(w, http.StatusBadRequest, "The provider refused the authorization code", "invalid_grant: the code has expired")
		return
	case g.clientID != conf[platform.ConfigClientID] || g.redirectURI != conf[platform.ConfigCallbackURL]:
		s.fail(w, http.StatusBadRequest, "The provider refused the authorization code", "invalid_grant: the code was issued to another client or redirect URI")
		return
	}
	s.mu.Lock()
	s.nextID++
	name := b.Name
	if s.opts.Rename {
		name = fmt.Sprintf("%s (%d)", strings.TrimSpace(name), s.nextID%1000)
	}
	in := &Instance{
		ID:        s.nextID,
		Name:      name,
		Connector: b.Connector.Key,
		Token:     random(20, base64.StdEncoding),
		Tags:      b.Tags,
		Config:    conf,
		Created:   time.Now().UTC(),
	}
	s.instances[in.ID] = in
	body := s.wire(in)
	lose := s.loseLeft > 0
	if lose {
		s.loseLeft--
	}
	s.mu.Unlock()
	if s.opts.AnswerDelay > 0 {
		time.Sleep(s.opts.AnswerDelay) // the instance exists; its answer waits
	}
	if s.opts.DropCreate {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
	}
	if lose {
		gatewayPage(w, cmp.Or(s.opts.LoseStatus, http.StatusGatewayTimeout))
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// gatewayPage answers as a gateway in front of the platform does: an HTML
// page, not the platform's JSON.
func gatewayPage(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>sandbox-gateway</center></body></html>\n", status, http.StatusText(status), status, http.StatusText(status))
}

// Put adds an instance as if someone else had made it (a colleague's,
// an older one), with its token; a zero Created is now, a zero ID the next
// one. It returns the instance as held.
func (s *Server) Put(in Instance) Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.ID == 0 {
		s.nextID++
		in.ID = s.nextID
	}
	if in.Created.IsZero() {
		in.Created = time.Now().UTC()
	}
	if in.Token == "" {
		in.Token = random(20, base64.StdEncoding)
	}
	s.instances[in.ID] = &in
	return in
}

// Change changes the instance id as the platform would (disable it, make
// it invalid, give it another token or name); false when there is none.
func (s *Server) Change(id int64, change func(*Instance)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instances[id]
	if ok {
		change(in)
		in.ID = id
	}
	return ok
}

// FailLists makes the next n listings (GET /instances) answer 500.
func (s *Server) FailLists(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listFails = n
}

// wire renders an instance in the seed's response shape. Call with s.mu held.
func (s *Server) wire(in *Instance) map[string]any {
	conf := map[string]any{ //nolint:gosec // fake provider tokens, shaped as the seed's
		"base.url":                        "https://{siteAddress}/_api/v2.0/me",
		"oauth.token.url":                 "https://login.microsoftonline.com/common/oauth2/token?api-version=2.0",
		"pagination.max":                  "100",
		"event.vendor.type":               "webhook",
		"oauth.scope":                     "wl.signin wl.offline_access onedrive.readwrite",
		"oauth.user.token":                "sandbox-access-" + random(12, base64.RawURLEncoding),
		"oauth.user.refresh_token":        "sandbox-refresh-" + random(12, base64.RawURLEncoding),
		"oauth.user.refresh_interval":     3599, // a number, as some platforms send it
		"pagination.type":                 nil,
		"event.notification.callback.url": nil,
		"event.notification.enabled":      "false",
	}
	for k, v := range in.Config {
		conf[k] = v
	}
	return map[string]any{
		"id":          in.ID,
		"name":        in.Name,
		"token":       in.Token,
		"tags":        in.Tags,
		"createdDate": in.Created.Format(time.RFC3339),
		platform.WireConnector: map[string]any{
			"id":            1234,
			"name":          connectors[in.Connector],
			"key":           in.Connector,
			"active":        true,
			"deleted":       false,
			"valid":         !in.Invalid,
			"disabled":      in.Disabled,
			"resources":     []any{},
			"configuration": conf,
		},
	}
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	s.mu.Lock()
	if s.listFails > 0 {
		s.listFails--
		s.mu.Unlock()
		gatewayPage(w, http.StatusInternalServerError)
		return
	}
	ids := make([]int64, 0, len(s.instances))
	for id := range s.instances {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.wire(s.instances[id]))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := parseID(r.PathValue("id"))
	if ok {
		s.mu.Lock()
		_, ok = s.instances[id]
		s.mu.Unlock()
	}
	if !ok {
		s.fail(w, http.StatusNotFound, "No instance found with id '"+r.PathValue("id")+"'", "")
	}
	return id, ok
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	if id, ok := s.lookup(w, r); ok {
		s.mu.Lock()
		body := s.wire(s.instances[id])
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, body)
	}
}

func (s *Server) remove(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	if id, ok := s.lookup(w, r); ok {
		s.mu.Lock()
		delete(s.instances, id)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{})
	}
}
