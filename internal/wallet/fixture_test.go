package wallet

import "os"

func readFixture(path string) ([]byte, error) { return os.ReadFile(path) }
