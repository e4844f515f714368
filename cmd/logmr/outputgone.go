package main

import "errors"

// errOutputGone ends a tail -f whose output is a pipe that its reader
// closed (tail -f log | head -1): at once, not when the next line is
// written into the closed pipe, which may be hours later on a quiet
// server. Exit status 141, as a process killed by SIGPIPE, and nothing
// printed, as GNU tail does. It is watched for on Linux (watchOutput);
// elsewhere the next line written ends the run, by SIGPIPE.
var errOutputGone = errors.New("output closed")
