package docs

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestWorkedExamplesMatchTheFixtures fails when a worked example of protocol.md no longer
// matches the golden vector it was copied from, so that a refreshed vector cannot leave the
// page showing a signature nobody can reproduce.
func TestWorkedExamplesMatchTheFixtures(t *testing.T) {
	page, err := readRepo("docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}

	var signing struct {
		Vectors []struct {
			Name, Path, Time, Body, Content, Signature string
			ClientID                                   string `json:"client_id"`
		}
	}
	readJSON(t, "fixtures/signing/vectors.json", &signing)
	const sigName = "pay without prefix, UTC time"
	found := false
	for _, v := range signing.Vectors {
		if v.Name != sigName {
			continue
		}
		found = true
		for what, want := range map[string]string{
			"the request line":  "POST " + v.Path + "\n",
			"the Client-Id":     "Client-Id: " + v.ClientID + "\n",
			"the Request-Time":  "Request-Time: " + v.Time + "\n",
			"the body":          "\n" + v.Body + "\n",
			"the content":       "\n" + v.Content + "\n",
			"the header":        "Signature: " + v.Signature + "\n",
			"the vector's name": `"` + sigName + `"`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("protocol.md's signing example does not show %s of the vector %q:\n%s", what, sigName, want)
			}
		}
	}
	if !found {
		t.Errorf("fixtures/signing/vectors.json has no vector %q, which protocol.md shows", sigName)
	}

	var orderStrs struct {
		Vectors []struct {
			Name           string
			SigningContent string `json:"signing_content"`
		}
	}
	readJSON(t, "fixtures/orderstr/vectors.json", &orderStrs)
	if len(orderStrs.Vectors) == 0 {
		t.Fatal("fixtures/orderstr/vectors.json has no vector")
	}
	if first := orderStrs.Vectors[0]; !strings.Contains(page, "\n"+first.SigningContent+"\n") {
		t.Errorf("protocol.md's orderStr example is not the signing content of the first vector %q:\n%s", first.Name, first.SigningContent)
	}
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	b, err := readRepo(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}
