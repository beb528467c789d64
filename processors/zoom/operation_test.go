// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestParseOperationDetail(t *testing.T) {
	cases := []struct {
		text string
		want operationDetail
	}{
		{"Add User jdoe@example.com  - User Type: Basic - Dept: ", operationDetail{
			Head: "Add User jdoe@example.com", Target: "jdoe@example.com", Emails: []string{"jdoe@example.com"},
			Fields: map[string]string{"user_type": "Basic", "dept": ""}}},
		{"Update User jdoe@example.com  - User Type: from Basic to Licensed", operationDetail{
			Head: "Update User jdoe@example.com", Target: "jdoe@example.com", Emails: []string{"jdoe@example.com"},
			Changes: map[string][2]string{"user_type": {"Basic", "Licensed"}}}},
		{"Delete User sgone@example.com", operationDetail{
			Head: "Delete User sgone@example.com", Target: "sgone@example.com", Emails: []string{"sgone@example.com"}}},
		{"Add Zoom Room HQ-4F Boardroom - Location: HQ > Floor 4", operationDetail{
			Head: "Add Zoom Room HQ-4F Boardroom", Target: "HQ-4F Boardroom",
			Fields: map[string]string{"location": "HQ > Floor 4"}}},
		{`Update Account Settings {"security":{"sign_in_with_two_factor_auth":false}}`, operationDetail{
			Head: "Update Account Settings", Target: "",
			JSON: map[string]any{"security": map[string]any{"sign_in_with_two_factor_auth": false}}}},
		{"Update SSO Configuration - Sign-in page URL: from https://a.example.com/x to https://b.example.com/y", operationDetail{
			Head: "Update SSO Configuration", Target: "",
			Changes: map[string][2]string{"sign_in_page_url": {"https://a.example.com/x", "https://b.example.com/y"}}}},
		// The form of a role change (category User, action Update): the part
		// names the user, the change is the role's.
		{"Change Role  - jdoe@example.com: from Member to Admin", operationDetail{
			Head: "Change Role", Target: "jdoe@example.com", Emails: []string{"jdoe@example.com"},
			Changes: map[string][2]string{"role": {"Member", "Admin"}}}},
		// An email as a key without an object in the head stays a key.
		{"Sync - a@example.com: from x to y", operationDetail{
			Head: "Sync", Emails: []string{"a@example.com"},
			Changes: map[string][2]string{"a_example_com": {"x", "y"}}}},
		{"Directory sync finished with 3 warnings", operationDetail{Head: "Directory sync finished with 3 warnings"}},
		{"Update Meeting 123 {broken json - Topic: x", operationDetail{Head: "Update Meeting 123 {broken json", Target: "123 {broken json",
			Fields: map[string]string{"topic": "x"}}},
		{"", operationDetail{}},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			assert.Equal(t, c.want, parseOperationDetail(c.text))
		})
	}
}

func TestOperationDetailValue(t *testing.T) {
	d := parseOperationDetail("Update User a@example.com - Role: from Member to Admin - Dept: Sales")
	assert.Equal(t, "Admin", d.value("role"), "the new value of a change")
	assert.Equal(t, "Sales", d.value("dept", "department"))
	assert.Equal(t, "", d.value("user_type"))
	assert.Equal(t, "Member", d.previous("role"), "the old value of a change")
	assert.Equal(t, "", d.previous("dept"), "a field has no old value")
}

// FuzzOperationDetail feeds the parser arbitrary text: it never panics, the
// target is in the head or is one of the emails, and every email it reports
// is in the text.
func FuzzOperationDetail(f *testing.F) {
	for _, s := range []string{
		"Add User jdoe@example.com  - User Type: Basic - Dept: ",
		"Update User a@b.co - Email: from a@b.co to c@d.co",
		`Update Account Settings {"a":{"b":[1,2,{"c":null}]}} - X: from 1 to 2`,
		"Assign Role Admin - Members: x@y.zz, z@y.zz - Role: from Member to Admin",
		"Change Role  - jdoe@example.com: from Member to Admin",
		" - : - :: from  to ",
		"{", "{}", `{"a":1}{"b":2}`, "from a to b", "Add Zoom Room ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d := parseOperationDetail(text)
		if !utf8.ValidString(text) {
			return
		}
		for _, e := range d.Emails {
			if !strings.Contains(text, e) {
				t.Fatalf("email %q is not in the text", e)
			}
		}
		// The target is named in the head, or is the user a part names.
		if d.Target != "" && !strings.Contains(d.Head, d.Target) && !slices.Contains(d.Emails, d.Target) {
			t.Fatalf("target %q is neither in the head %q nor one of the emails", d.Target, d.Head)
		}
		for k := range d.Fields {
			if k == "" {
				t.Fatal("empty field key")
			}
		}
	})
}
