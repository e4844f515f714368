package logscan

import (
	"errors"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
)

// setUp is what ScanInputs and WriteRecords do before reading: cap the
// workers by the open-file limit (spill: each input may hold a spill
// file), compile the filter, apply FailFast to the inputs that could not
// be listed, and start the progress bar.
func setUp(opts ScanOptions, inputs []Input, failed []*mapreduce.InputError, spill bool) (workers int, match *filter.Matcher, err error) {
	workers = openFileWorkers(opts, spill) // fdlimit.go
	if match, err = opts.Filter.Compile(); err != nil {
		return 0, nil, err
	}
	if opts.FailFast && len(failed) > 0 {
		return 0, nil, failed[0]
	}
	startProgress(opts.Progress, inputs)
	return workers, match, nil
}

// addFailed adds to failed (the inputs that could not be listed) those
// that err, a run's error, says failed. Any other error (a cancelled run, a
// fail-fast stop, a write error) is returned as it is.
func addFailed(failed []*mapreduce.InputError, err error) ([]*mapreduce.InputError, error) {
	for _, e := range unwrapJoined(err) {
		var fi *mapreduce.FailedInputs
		var ie *mapreduce.InputError
		switch {
		case errors.As(e, &fi):
			failed = append(failed, fi.Errs...)
		case errors.As(e, &ie):
			failed = append(failed, ie)
		default:
			return failed, e
		}
	}
	return failed, nil
}

// failedError is the error of a run that read every other input: nil, or
// a *mapreduce.FailedInputs naming each input in failed.
func failedError(failed []*mapreduce.InputError) error {
	if len(failed) == 0 {
		return nil
	}
	return &mapreduce.FailedInputs{Errs: failed}
}

// unwrapJoined returns the errors err joins, or err alone.
func unwrapJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err != nil {
		return []error{err}
	}
	return nil
}
