// Command httpfloor is the headless create's floor: the platform
// document's three HTTP calls — the authorize URL, the consent (the
// provider's form, approved), the create — made in one Go process, built
// like the floor. What connectwiz's headless create costs above it is
// connectwiz's own: its checks, the browser hand-off, the listener, the
// pending record and the token's storage.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
)

var hidden = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

func main() {
	if err := run(os.Getenv("BASE"), os.Getenv("CID"), os.Getenv("CSECRET"), os.Getenv("USECRET"), os.Getenv("OSECRET"), os.Getenv("NAME")); err != nil {
		fmt.Fprintln(os.Stderr, "httpfloor:", err)
		os.Exit(1)
	}
}

func run(base, cid, csecret, usecret, osecret, name string) error {
	const callback = "http://127.0.0.1:8750/callback"
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// 1. The authorize URL.
	q := url.Values{"apiKey": {cid}, "apiSecret": {csecret}, "callbackUrl": {callback}, "state": {"bench"}}
	var au struct {
		OAuthURL string `json:"oauthUrl"`
	}
	if err := getJSON(c, base+"/your_moms/onedrivebusiness/oauth/url?"+q.Encode(), &au); err != nil {
		return err
	}
	// 2. The consent: the provider's form, approved.
	resp, err := c.Get(au.OAuthURL)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	form := url.Values{"decision": {"approve"}}
	for _, m := range hidden.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	consent, _ := url.Parse(au.OAuthURL)
	consent.Path, consent.RawQuery = "/oauth/consent", ""
	resp, err = c.PostForm(consent.String(), form)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return errors.New("the consent gave no code")
	}
	// 3. The create.
	body, _ := json.Marshal(map[string]any{
		"your_mom":      map[string]string{"key": "onedrivebusiness"},
		"providerData":  map[string]string{"code": loc.Query().Get("code")},
		"configuration": map[string]string{"oauth.api.key": cid, "oauth.api.secret": csecret, "oauth.callback.url": callback},
		"tags":          []string{}, "name": name,
	})
	req, _ := http.NewRequest(http.MethodPost, base+"/instances", bytes.NewReader(body))
	req.Header.Set("Authorization", "User "+usecret+", Organization "+osecret)
	req.Header.Set("Content-Type", "application/json")
	var inst struct {
		Token string `json:"token"`
	}
	resp, err = c.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("create: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&inst); err != nil || inst.Token == "" {
		return errors.New("create: no token")
	}
	return nil
}

func getJSON(c *http.Client, u string, v any) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
