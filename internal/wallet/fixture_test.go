package wallet

import "os"

func readFixture(path string) ([]byte, error) { return os.ReadFile(path) }

// recordCount counts the payments, captures and refunds of an in-memory wallet.
func (s *Server) recordCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.store.(*memoryStore)
	return len(m.payments) + len(m.captures) + len(m.refunds)
}
