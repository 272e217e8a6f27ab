package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// DefaultTimeout bounds each platform call.
const DefaultTimeout = 30 * time.Second

// maxBody is the most of a response body that is read.
const maxBody = 1 << 20

// Client talks to the platform.
type Client struct {
	// BaseURL is the platform's API root, e.g. DefaultBaseURL.
	BaseURL string
	// User and Org are the platform's User and Organization secrets.
	User, Org secret.Secret
	// HTTP is the client used; nil means http.DefaultClient. Whatever its
	// CheckRedirect, no redirect is ever followed: a 3xx answer is an error.
	HTTP *http.Client
	// Timeout bounds each call (DefaultTimeout when zero).
	Timeout time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// Retries is how many times a GET is retried on a transient failure.
	Retries int
	// MaxRetryWait caps one wait between retries, Retry-After included.
	MaxRetryWait time.Duration
	// Log receives one record per HTTP call, secrets redacted; nil is quiet.
	Log *slog.Logger
}

// NewClient returns a client for the platform at baseURL, honouring the
// proxy environment variables.
func NewClient(baseURL string, user, org secret.Secret, version string) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	tr.OnProxyConnectResponse = onProxyConnect
	return &Client{
		BaseURL:      strings.TrimRight(baseURL, "/"),
		User:         user,
		Org:          org,
		HTTP:         &http.Client{Transport: tr, CheckRedirect: noRedirect},
		Timeout:      DefaultTimeout,
		UserAgent:    "connectwiz/" + version,
		Retries:      3,
		MaxRetryWait: 10 * time.Second,
	}
}

// AuthURLRequest asks for the provider's authorize URL.
type AuthURLRequest struct {
	Connector    string
	ClientID     string
	ClientSecret secret.Secret
	CallbackURL  string
	State        secret.Secret
}

// MaxConnectorKey is the longest connector key accepted.
const MaxConnectorKey = 100

// CheckConnectorKey accepts a connector key made of letters, digits, '_',
// '-' and '.', at most MaxConnectorKey characters, with no "..": the key
// goes into a URL path, where anything else could point the call elsewhere.
func CheckConnectorKey(key string) error {
	switch {
	case key == "":
		return errors.New("the connector key is empty; give one such as " + DefaultConnector)
	case len(key) > MaxConnectorKey:
		return fmt.Errorf("the connector key is %d characters long; it must be at most %d", len(key), MaxConnectorKey)
	case strings.Contains(key, ".."):
		return fmt.Errorf("the connector key %q contains \"..\"; give the key as the platform lists it, e.g. %s", termsafe.Sanitize(key, MaxConnectorKey), DefaultConnector)
	}
	for i := 0; i < len(key); i++ {
		ch := key[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-' || ch == '.' {
			continue
		}
		return fmt.Errorf("the connector key %q may hold only letters, digits, '_', '-' and '.'; give the key as the platform lists it, e.g. %s", termsafe.Sanitize(key, MaxConnectorKey), DefaultConnector)
	}
	if key == "." {
		return fmt.Errorf("the connector key \".\" is not a key; give the key as the platform lists it, e.g. %s", DefaultConnector)
	}
	return nil
}

// AuthURL returns the provider's authorize URL, checked to be http(s). The
// connector key is checked first (CheckConnectorKey); a bad one sends
// nothing.
func (c *Client) AuthURL(ctx context.Context, r AuthURLRequest) (string, error) {
	if err := CheckConnectorKey(r.Connector); err != nil {
		return "", fmt.Errorf("could not get the authorize URL: %w", err)
	}
	q := url.Values{}
	q.Set("apiKey", r.ClientID)
	q.Set("apiSecret", r.ClientSecret.Reveal())
	q.Set("callbackUrl", r.CallbackURL)
	q.Set("state", r.State.Reveal())
	path := "/" + WireConnectors + "/" + url.PathEscape(r.Connector) + "/oauth/url?" + q.Encode()
	var out authURLResponse
	if err := c.do(ctx, "get the authorize URL", http.MethodGet, path, nil, false, &out); err != nil {
		return "", err
	}
	if err := browser.CheckBrowserURL(out.OAuthURL); err != nil {
		return "", fmt.Errorf("the platform's authorize URL is not usable: %w", err)
	}
	return out.OAuthURL, nil
}

// CreateInstance creates the instance. It is never retried. Its error
// tells the outcome (OutcomeOf): Refused (nothing was made) or Unknown
// (wrapping ErrAnswerLost: the instance may exist, look on the platform).
func (c *Client) CreateInstance(ctx context.Context, r InstanceRequest) (Instance, error) {
	body, err := r.wireBody()
	if err != nil {
		return Instance{}, fmt.Errorf("encoding the instance request: %w", err)
	}
	var w wireInstance
	if err := c.do(ctx, "create the instance", http.MethodPost, "/instances", body, true, &w); err != nil {
		return Instance{}, classifyCreate(err)
	}
	if w.Token == "" {
		// Nothing to keep: the pending record stays until the platform
		// shows the instance. (A token without an id is kept: it is what
		// the user needs.)
		return Instance{}, fmt.Errorf("%w: the platform answered the create without a token", ErrAnswerLost)
	}
	return w.instance(), nil
}

// CheckSecrets asks the platform whether it takes the User and
// Organization secrets (a GET /instances whose answer is dropped).
func (c *Client) CheckSecrets(ctx context.Context) error {
	return c.do(ctx, "check the User and Organization secrets", http.MethodGet, "/instances", nil, true, nil)
}

// Instances lists the instances the credentials can see.
func (c *Client) Instances(ctx context.Context) ([]Instance, error) {
	var ws []wireInstance
	if err := c.do(ctx, "list the instances", http.MethodGet, "/instances", nil, true, &ws); err != nil {
		return nil, err
	}
	out := make([]Instance, len(ws))
	for i, w := range ws {
		out[i] = w.instance()
	}
	return out, nil
}

// Instance gets one instance, token included.
func (c *Client) Instance(ctx context.Context, id ID) (Instance, error) {
	var w wireInstance
	if err := c.do(ctx, "get instance "+string(id), http.MethodGet, "/instances/"+url.PathEscape(string(id)), nil, true, &w); err != nil {
		return Instance{}, err
	}
	return w.instance(), nil
}

// DeleteInstance deletes an instance on the platform.
func (c *Client) DeleteInstance(ctx context.Context, id ID) error {
	return c.do(ctx, "delete instance "+string(id), http.MethodDelete, "/instances/"+url.PathEscape(string(id)), nil, true, nil)
}
