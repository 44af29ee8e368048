package audit

// SumWith is the keyed hash of e under k, as a forger holding a guessed
// key would compute it.
func SumWith(k *Key, e *Entry) string { return k.sum(e) }

// UnkeyedSum is the hash of entries written before the chain was keyed.
func UnkeyedSum(e *Entry) string { return unkeyedSum(e) }
