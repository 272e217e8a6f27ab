package secret

import "testing"

// TestIsSecretKey lists the spellings of configuration keys, query
// parameters and variable names that users and platforms produce.
func TestIsSecretKey(t *testing.T) {
	for key, want := range map[string]bool{
		"oauth.api.secret": true, "oauth.user.token": true, "oauth.user.refresh_token": true,
		"db.password": true, "CONNECTWIZ_USER_SECRET": true, "accessToken": true, "apiSecret": true,
		"APISECRET": true, "client_secret": true, "x-pwd": true, "refreshToken2": true, "db.passwd": true,
		"oauth.token.url": false, "oauth.api.key": false, "oauth.callback.url": false,
		"site.address": false, "token.endpoint": false, "": false, "...": false,
		"tokenizer.mode": false, "passwordless.enabled": false, "secretary.name": false, "token.host": false,
	} {
		if got := IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestIsSecretParam(t *testing.T) {
	for key, want := range map[string]bool{
		"state": true, "code": true, "STATE": true, "apiSecret": true, "access_token": true,
		"client_id": false, "redirect_uri": false, "callbackUrl": false, "apiKey": false, "codec": false,
	} {
		if got := IsSecretParam(key); got != want {
			t.Errorf("IsSecretParam(%q) = %v, want %v", key, got, want)
		}
	}
}
