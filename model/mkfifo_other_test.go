//go:build !unix

package model

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs here") }
