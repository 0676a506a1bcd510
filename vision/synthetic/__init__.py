"""A rendered human figure with known posture: the project's own sample media and ground truth.

Modules: :mod:`.posture` (posture parameters and conventions), :mod:`.body` (proportions, clothes),
:mod:`.kinematics` (3D skeleton), :mod:`.camera` (pinhole camera), :mod:`.mesh` and :mod:`.figure`
(surfaces), :mod:`.capsule` (a second drawing of the body, other clothes, lighting and rooms, for
closed-loop tests in more than one style), :mod:`.mannequin` (a third, held-out drawing: a jointed
mannequin under a hard side light), :mod:`.props` (chair, table), :mod:`.scene` (background),
:mod:`.render` (rasteriser and image degradation), :mod:`.truth` (ground truth per frame),
:mod:`.movements` (scripts over time),
:mod:`.media_io` (PNG/JPEG/MP4 and JSON writers), :mod:`.make_samples` (regenerates ``sample_media/``).
"""
