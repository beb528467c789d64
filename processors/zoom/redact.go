package zoom

import (
	"net/url"
	"strings"
)

// Redacted replaces secret values when redact_secrets is on (the default).
// An empty secret stays empty, so that "no passcode" remains visible.
const Redacted = "REDACTED"

// secretKeys are payload keys whose values grant access: passcodes, host
// keys and download tokens. A SIEM is no place for them.
var secretKeys = map[string]bool{
	"password":                true,
	"h323_password":           true,
	"pstn_password":           true,
	"encrypted_password":      true,
	"passcode":                true,
	"recording_play_passcode": true,
	"host_key":                true,
	"download_token":          true,
	"download_access_token":   true,
	"access_token":            true,
	"token":                   true,
	"zak":                     true,
}

// secretParams are query parameters of Zoom URLs that carry such secrets:
// the passcode in join and share URLs, the host's ZAK token in start URLs,
// tokens in download URLs.
var secretParams = []string{"pwd", "zak", "tk", "token", "access_token", "passcode"}

func isSecretKey(key string) bool { return secretKeys[key] }

// redactString masks a secret value, keeping an empty one empty.
func redactString(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}

// redactURL masks the secret query parameters of s when s is a URL, and
// returns s as it is otherwise.
func redactURL(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "?") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	q := u.Query()
	changed := false
	for _, p := range secretParams {
		if vs, ok := q[p]; ok {
			for i := range vs {
				vs[i] = Redacted
			}
			changed = true
		}
	}
	if !changed {
		return s
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// redactDeep masks secrets inside a value that is kept whole (flattened
// fields such as settings and old values): secret keys at any depth, and
// secret URL parameters in any string.
func redactDeep(key string, v any) any {
	switch t := v.(type) {
	case string:
		if isSecretKey(key) {
			return redactString(t)
		}
		return redactURL(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = redactDeep(key, e)
		}
		return out
	default:
		if m, ok := asMap(v); ok {
			out := make(map[string]any, len(m))
			for k, e := range m {
				out[k] = redactDeep(k, e)
			}
			return out
		}
		if isSecretKey(key) && v != nil {
			return Redacted
		}
	}
	return v
}
