// Prints, as JSON, the decision of Kubernetes' RBAC authorizer for the three requests of BenchmarkAuthorize
// (plugin/pkg/auth/authorizer/rbac/rbac_test.go), built the same way: bootstrap ControllerRoles + ClusterRoles,
// ClusterRoleBindings + ControllerRoleBindings, user system:node:node1. The benchmark itself never checks them.
package main

import (
	"context"
	"encoding/json"
	"os"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	rbacregistryvalidation "k8s.io/kubernetes/pkg/registry/rbac/validation"
	"k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac"
	"k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy"
)

func main() {
	roles := append(bootstrappolicy.ControllerRoles(), bootstrappolicy.ClusterRoles()...)
	bindings := append(bootstrappolicy.ClusterRoleBindings(), bootstrappolicy.ControllerRoleBindings()...)
	var crs []*rbacv1.ClusterRole
	for i := range roles {
		crs = append(crs, &roles[i])
	}
	var crbs []*rbacv1.ClusterRoleBinding
	subjects := 0
	for i := range bindings {
		crbs = append(crbs, &bindings[i])
		subjects += len(bindings[i].Subjects)
	}
	_, resolver := rbacregistryvalidation.NewTestRuleResolver(nil, nil, crs, crbs)
	authz := rbac.New(resolver, resolver, resolver, resolver)

	node := &user.DefaultInfo{Name: "system:node:node1", Groups: []string{"system:nodes", "system:authenticated"}}
	reqs := []struct {
		name  string
		attrs authorizer.AttributesRecord
	}{
		{"allow list pods", authorizer.AttributesRecord{ResourceRequest: true, User: node, Verb: "list",
			Resource: "pods", APIVersion: "v1"}},
		{"allow update pods/status", authorizer.AttributesRecord{ResourceRequest: true, User: node, Verb: "update",
			Resource: "pods", Subresource: "status", Name: "mypods", Namespace: "myns", APIVersion: "v1"}},
		{"forbid educate dolphins", authorizer.AttributesRecord{ResourceRequest: true, User: node, Verb: "educate",
			Resource: "dolphins", APIVersion: "v1"}},
	}
	names := map[authorizer.Decision]string{
		authorizer.DecisionAllow: "allow", authorizer.DecisionDeny: "deny", authorizer.DecisionNoOpinion: "no-opinion"}
	out := map[string]any{
		"cluster_roles": len(crs), "cluster_role_bindings": len(crbs), "binding_subjects": subjects,
	}
	cases := map[string]any{}
	for _, r := range reqs {
		d, reason, err := authz.Authorize(context.Background(), r.attrs)
		c := map[string]any{"decision": names[d], "reason": reason}
		if err != nil {
			c["error"] = err.Error()
		}
		cases[r.name] = c
	}
	out["decisions"] = cases
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		os.Exit(1)
	}
}
