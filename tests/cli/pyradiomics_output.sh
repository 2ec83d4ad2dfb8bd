#!/usr/bin/env bash
# PyRadiomics' output layout in compatibility mode (issue 14, item 4), against PyRadiomics' own committed
# baselines ($VOXOMICS_DATA/pyradiomics/baseline_*.csv):
#  - the deterministic diagnostics_* of brain1 (image and mask hash, spacing, size, image mean, bounding box,
#    voxel count, connected volumes, centre of mass) equal the baseline's strings exactly (column
#    brain1_normalization of baseline_firstorder.csv); image minimum and maximum equal the strings of the newer
#    baseline_shape2D.csv (same image, same hash: "0.0", "3057.0"; the older column printed "0", "3057");
#  - with resampledPixelSpacing [2, 2, 2] the Image-/Mask-interpolated grid fields equal brain1_resampling's (baseline_shape.csv)
#    strings exactly and its intensities (written by SimpleITK's B-spline) agree within 1e-5 relative;
#  - the long format has one diagnostics row per value; additionalInfo: false and IBSI mode write none;
#  - a PyRadiomics batch CSV (Image, Mask, Label and an extra column holding a comma) runs as it is and its
#    columns are copied in order in front of the results, as written;
#  - a single-case wide table names its feature columns as the cohort table does (original_firstorder_Mean...);
#  - a cohort resumed from its store (--store) writes the same table, text values included.
set -euo pipefail
vx="$1"
data=${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}
py="$data/pyradiomics"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
img="$py/brain1_image.nrrd"
msk="$py/brain1_label.nrrd"

# brain1's configuration (the baseline column brain1's settings), and brain1_resampling's
cat > "$T/brain1.yaml" <<'EOF'
imageType:
  Original: {}
setting:
  binWidth: 25
  label: 1
  voxelArrayShift: 2000
  padDistance: 5
  distances: [1]
EOF
cat > "$T/resampling.yaml" <<'EOF'
imageType:
  Original: {}
setting:
  resampledPixelSpacing: [2, 2, 2]
  interpolator: sitkBSpline
  label: 1
  padDistance: 5
EOF
sed 's/^setting:$/setting:\n  additionalInfo: false/' "$T/brain1.yaml" > "$T/noinfo.yaml"

"$vx" extract -q --config "$T/brain1.yaml" --format wide -o "$T/single.csv" "$img" "$msk" || fail "single case (wide)"
"$vx" extract -q --config "$T/brain1.yaml" --format long -o "$T/long.csv" "$img" "$msk" || fail "single case (long)"
"$vx" extract -q --config "$T/resampling.yaml" --format wide -o "$T/resampled.csv" "$img" "$msk" || fail "resampling"
"$vx" extract -q --config "$T/noinfo.yaml" --format wide -o "$T/noinfo.csv" "$img" "$msk" || fail "additionalInfo false"
"$vx" extract -q --config "$T/brain1.yaml" --compat ibsi --format wide -o "$T/ibsi.csv" "$img" "$msk" || fail "IBSI"

# a PyRadiomics batch file: its own column names, a Label, and an extra column whose value holds a comma
mkdir "$T/cases"
cp "$img" "$msk" "$T/cases/"
printf 'Image,Mask,Label,Reader\nbrain1_image.nrrd,brain1_label.nrrd,1,"R1, first read"\n' > "$T/cases/batch.csv"
"$vx" extract -q --config "$T/brain1.yaml" --cohort "$T/cases/batch.csv" -j 1 -o "$T/cohort.csv" || fail "batch CSV"

# the store keeps the text values: a rerun from the store writes the same table, byte for byte
"$vx" extract -q --config "$T/brain1.yaml" --cohort "$T/cases/batch.csv" -j 1 --store "$T/run.db" -o "$T/stored1.csv" \
    || fail "batch CSV with a store"
"$vx" extract -q --config "$T/brain1.yaml" --cohort "$T/cases/batch.csv" -j 1 --store "$T/run.db" -o "$T/stored2.csv" \
    || fail "batch CSV from the store"
cmp -s "$T/stored1.csv" "$T/cohort.csv" || fail "the run with a store differs from the run without"
cmp -s "$T/stored2.csv" "$T/cohort.csv" || fail "the table from the store differs (text values lost?)"

python3 - "$py" "$T" <<'EOF' || fail "see above"
import csv, sys
py, T = sys.argv[1], sys.argv[2]
bad = []

def table(path):
    rows = list(csv.reader(open(path, newline='')))
    return rows[0], rows[1:]

def column(path, col):
    rows = list(csv.reader(open(path, newline='')))
    i = rows[0].index(col)
    return {r[0]: r[i] for r in rows[1:] if r[0].startswith('diagnostics_') and r[i] != ''}

def wide(path):
    hdr, rows = table(path)
    if len(rows) != 1:
        bad.append('%s: %d rows, expected 1' % (path, len(rows)))
    return dict(zip(hdr, rows[0])), hdr

base = column(py + '/baseline_firstorder.csv', 'brain1_normalization')
newer = column(py + '/baseline_shape2D.csv', 'brain1_shape2D')
resamp = column(py + '/baseline_shape.csv', 'brain1_resampling')
ours, single_hdr = wide(T + '/single.csv')

exact = ['Image-original_Hash', 'Image-original_Spacing', 'Image-original_Size', 'Image-original_Mean',
         'Mask-original_Hash', 'Mask-original_Spacing', 'Mask-original_Size', 'Mask-original_BoundingBox',
         'Mask-original_VoxelNum', 'Mask-original_VolumeNum', 'Mask-original_CenterOfMassIndex',
         'Mask-original_CenterOfMass']
n = 0
for k in exact:
    k = 'diagnostics_' + k
    if ours.get(k) != base[k]:
        bad.append('%s: %r, PyRadiomics %r' % (k, ours.get(k), base[k]))
    n += 1
if newer['diagnostics_Image-original_Hash'] != base['diagnostics_Image-original_Hash']:
    bad.append('baseline_shape2D.csv is not of the same image')
for k in ['Image-original_Minimum', 'Image-original_Maximum']:
    k = 'diagnostics_' + k
    if ours.get(k) != newer[k]:
        bad.append('%s: %r, PyRadiomics %r' % (k, ours.get(k), newer[k]))
    n += 1
for k in ['diagnostics_Configuration_Settings', 'diagnostics_Configuration_EnabledImageTypes',
          'diagnostics_Versions_voxomics', 'diagnostics_Image-original_Dimensionality']:
    if not ours.get(k):
        bad.append('%s missing' % k)
if ours.get('diagnostics_Configuration_EnabledImageTypes') != "{'Original': {}}":
    bad.append('EnabledImageTypes %r' % ours.get('diagnostics_Configuration_EnabledImageTypes'))
settings = ours.get('diagnostics_Configuration_Settings', '')
for item in ["'binWidth': 25", "'label': 1", "'voxelArrayShift': 2000", "'additionalInfo': True",
             "'resampledPixelSpacing': None"]:
    if item not in settings:
        bad.append('Configuration_Settings lacks %s: %s' % (item, settings))
if 'diagnostics_Versions_PyRadiomics' in ours:
    bad.append('voxomics does not claim a PyRadiomics version')
# diagnostics come before every feature column
first_feature = min(i for i, c in enumerate(single_hdr) if c.startswith('original_'))
last_diag = max(i for i, c in enumerate(single_hdr) if c.startswith('diagnostics_'))
if last_diag > first_feature:
    bad.append('a diagnostics column after a feature column')

# resampling: geometry exact, B-spline intensities within 1e-5
res, _ = wide(T + '/resampled.csv')
for k in ['Image-interpolated_Spacing', 'Image-interpolated_Size', 'Mask-interpolated_Spacing',
          'Mask-interpolated_Size', 'Mask-interpolated_BoundingBox', 'Mask-interpolated_VoxelNum',
          'Mask-interpolated_VolumeNum', 'Mask-interpolated_CenterOfMassIndex', 'Mask-interpolated_CenterOfMass']:
    k = 'diagnostics_' + k
    if res.get(k) != resamp[k]:
        bad.append('%s: %r, PyRadiomics %r' % (k, res.get(k), resamp[k]))
    n += 1
for k in ['Image-interpolated_Mean', 'Image-interpolated_Minimum', 'Image-interpolated_Maximum',
          'Mask-interpolated_Mean', 'Mask-interpolated_Minimum', 'Mask-interpolated_Maximum']:
    k = 'diagnostics_' + k
    o, t = float(res.get(k, 'nan')), float(resamp[k])
    if not abs(o - t) <= 1e-5 * abs(t):
        bad.append('%s: %r, PyRadiomics %r' % (k, res.get(k), resamp[k]))
    n += 1

# long format: a diagnostics row per text value, its text in the value column
hdr, rows = table(T + '/long.csv')
fi, vi = hdr.index('feature'), hdr.index('value')
longd = {r[fi]: r[vi] for r in rows if r[hdr.index('family')] == 'diagnostics'}
for k, v in ours.items():
    if k.startswith('diagnostics_') and longd.get(k) != v:
        bad.append('long format %s: %r, wide %r' % (k, longd.get(k), v))

noinfo, _ = wide(T + '/noinfo.csv')
if any(k.startswith('diagnostics_') for k in noinfo):
    bad.append('additionalInfo: false still writes diagnostics')
ibsi, _ = wide(T + '/ibsi.csv')
if any(k.startswith('diagnostics_') or k.startswith('original_') for k in ibsi):
    bad.append('IBSI mode writes PyRadiomics columns')

# the batch CSV: its columns in order, as written, then roi, error, diagnostics, features
chdr, crows = table(T + '/cohort.csv')
if chdr[:7] != ['case', 'Image', 'Mask', 'Label', 'Reader', 'roi', 'error']:
    bad.append('cohort columns %s' % chdr[:7])
elif crows[0][1:5] != ['brain1_image.nrrd', 'brain1_label.nrrd', '1', 'R1, first read'] or crows[0][6]:
    bad.append('cohort row %s' % crows[0][:7])
cohort = dict(zip(chdr, crows[0]))
for k in exact:
    k = 'diagnostics_' + k
    if cohort.get(k) != base[k]:
        bad.append('cohort %s: %r, PyRadiomics %r' % (k, cohort.get(k), base[k]))
if not chdr[7].startswith('diagnostics_'):
    bad.append('cohort: diagnostics do not follow roi, error')

# single-case wide names = cohort names, in the same order
sf = [c for c in single_hdr if c.startswith('original_')]
cf = [c for c in chdr if c.startswith('original_')]
if not sf or sf != cf:
    bad.append('single-case feature columns differ from the cohort\'s: %s vs %s' % (sf[:3], cf[:3]))
if 'original_firstorder_Mean' not in sf:
    bad.append('no original_firstorder_Mean column')
if any(c.startswith('stat_') for c in single_hdr):
    bad.append('an IBSI tag for a feature PyRadiomics has')

if bad:
    print('\n'.join(bad))
    sys.exit(1)
print('PyRadiomics output: %d diagnostics equal to PyRadiomics\' baselines, batch CSV copied, %d feature columns '
      'named as in the cohort table' % (n, len(sf)))
EOF
