//go:build !pact

package main

const buildTags = ""
