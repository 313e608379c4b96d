//go:build tools

// Package tools pins the commands built by build.sh so that go mod tidy keeps them.
package tools

import (
	_ "sigs.k8s.io/krew/cmd/krew"
	_ "sigs.k8s.io/krew/cmd/validate-krew-manifest"
)
