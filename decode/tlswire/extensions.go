package tlswire

// Extension types decoded here (IANA TLS ExtensionType registry).
const (
	extServerName          = 0
	extSupportedGroups     = 10
	extECPointFormats      = 11
	extSignatureAlgorithms = 13
	extALPN                = 16
	extSessionTicket       = 35
	extPreSharedKey        = 41
	extEarlyData           = 42
	extSupportedVersions   = 43
	extPSKModes            = 45
	extCertAuthorities     = 47
	extKeyShare            = 51
	extKeyShareDraft       = 40 // key_share in TLS 1.3 drafts up to 22 (renumbered in draft 23)
	extECH                 = 0xfe0d
)
