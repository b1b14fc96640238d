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
	extECH                 = 0xfe0d
)
