package capture

// pcapng Decryption Secrets Block (pcapng draft, section 4.7): what
// `editcap --inject-secrets tls,KEYS` and Wireshark write so a capture
// carries its own TLS key log.
const (
	blockDSB       = 0x0000000a
	secretsTLSKeys = 0x544c534b // "TLSK": an NSS key log
	// maxSecretBytes bounds the key log text held from DSBs until the
	// loader takes it: blocks are at most 16 MiB each, but there may be many.
	maxSecretBytes = 64 << 20
)

// readSecrets keeps the key log of a Decryption Secrets Block for the
// loader (TakeSecrets). Secrets of other kinds (SSH, WireGuard) are skipped.
func (s *Source) readSecrets(start int64, length int) error {
	b, err := s.takeBlock(start, blockDSB, length)
	if err != nil {
		return err
	}
	typ, n := s.order.u32(b[8:]), int(s.order.u32(b[12:]))
	if n > length-20 {
		return s.damage(start, "decryption secrets block says %d bytes of secrets in a %d-byte block", n, length)
	}
	if typ != secretsTLSKeys {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secretBytes+n > maxSecretBytes {
		s.secretsDropped++
		return nil
	}
	s.secretBytes += n
	s.secrets = append(s.secrets, append([]byte(nil), b[16:16+n]...))
	return nil
}

// TakeSecrets returns the TLS key logs read from Decryption Secrets Blocks
// since the last call (each block's text whole), and how many blocks were
// dropped over the cap. Safe from any goroutine; a block before a packet
// has been read by the time that packet is handed out.
func (s *Source) TakeSecrets() (logs [][]byte, dropped int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	logs, dropped = s.secrets, s.secretsDropped
	s.secrets, s.secretsDropped = nil, 0
	return logs, dropped
}
