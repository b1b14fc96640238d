package main

import (
	"fmt"
	"os"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// openInput opens what the command line names as one capture: a file, "-"
// (standard input), or several files and directories read as one in the
// order of their first packets (rotated captures; capture.OpenMany).
func openInput(paths []string) (*capture.Source, error) {
	if len(paths) == 1 {
		if st, err := os.Stat(paths[0]); paths[0] == "-" || err != nil || !st.IsDir() {
			return capture.Open(paths[0])
		}
	}
	files, err := capture.ExpandPaths(paths)
	if err != nil {
		return nil, err
	}
	return capture.OpenMany(files)
}

// inputLabel names the input in messages and the explorer's header: the
// path, or how many were given.
func inputLabel(paths []string) string {
	if len(paths) == 1 {
		return paths[0]
	}
	return fmt.Sprintf("%d files", len(paths))
}
