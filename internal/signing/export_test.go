package signing

// NewMemoOfSize lets the tests fill a small Memo.
func NewMemoOfSize(size int) *Memo { return newMemo(size) }
