"""Landmarks to numbers: pure NumPy/SciPy functions (no cv2, no mediapipe, no Streamlit)."""
