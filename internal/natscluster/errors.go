package natscluster

import "errors"

var (
	// ErrInvalidOption is returned by Start when Options are out of range.
	ErrInvalidOption = errors.New("natscluster: invalid option")
	// ErrNoSuchNode is returned when a node index is out of range.
	ErrNoSuchNode = errors.New("natscluster: no such node")
	// ErrNodeStopped is returned by StopNode for a node that is not
	// running.
	ErrNodeStopped = errors.New("natscluster: node is stopped")
	// ErrNodeRunning is returned by RestartNode for a node that is
	// already running.
	ErrNodeRunning = errors.New("natscluster: node is running")
	// ErrShutdown is returned by StopNode, RestartNode and WaitReady after
	// Shutdown.
	ErrShutdown = errors.New("natscluster: cluster is shut down")
	// ErrStart is returned when a node cannot be configured or does not
	// accept connections in time.
	ErrStart = errors.New("natscluster: node did not start")
	// ErrNotReady is returned when the cluster is not ready (see
	// WaitReady) before the context ends or ReadyTimeout passes; it is
	// wrapped with the last reason it was not ready.
	ErrNotReady = errors.New("natscluster: cluster not ready")
)
