"""Pixels to landmarks: frame sources, the MediaPipe estimator, the pose-sequence model, drawing."""
