// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

/**
 * The explicit state of an {@link Optimizer} between steps (moments, step count...). Each optimizer
 * has its own record type implementing this; a state is a value that can be saved, inspected and
 * compared, never a map hidden inside the optimizer.
 */
public interface OptimizerState {}
