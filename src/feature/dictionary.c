/* voxomics: the feature dictionary (families, aggregations, features), built from features.def.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "voxomics/feature.h"

static const vx_family_info families[VX_FAM_COUNT] = {
    {VX_FAM_MORPH, "morphology", "Morphology", "HCUG", "morph", VX_AGGBIT(VX_AGG_NONE)},
    {VX_FAM_LOCAL, "local_intensity", "Local intensity", "9ST6", "loc", VX_AGGBIT(VX_AGG_NONE)},
    {VX_FAM_STAT, "statistics", "Intensity-based statistics", "UHIW", "stat", VX_AGGBIT(VX_AGG_NONE)},
    {VX_FAM_IH, "intensity_histogram", "Intensity histogram", "ZVCW", "ih", VX_AGGBIT(VX_AGG_NONE)},
    {VX_FAM_IVH, "intensity_volume_histogram", "Intensity-volume histogram", "P88C", "ivh",
     VX_AGGBIT(VX_AGG_NONE)},
    {VX_FAM_GLCM, "glcm", "Grey level co-occurrence matrix", "LFYI", "cm", VX_AGGS_DIRECTIONAL},
    {VX_FAM_GLRLM, "glrlm", "Grey level run length matrix", "TP0I", "rlm", VX_AGGS_DIRECTIONAL},
    {VX_FAM_GLSZM, "glszm", "Grey level size zone matrix", "9SAK", "szm", VX_AGGS_ZONE},
    {VX_FAM_GLDZM, "gldzm", "Grey level distance zone matrix", "VMDZ", "dzm", VX_AGGS_ZONE},
    {VX_FAM_NGTDM, "ngtdm", "Neighbourhood grey tone difference matrix", "IPET", "ngt", VX_AGGS_ZONE},
    {VX_FAM_NGLDM, "ngldm", "Neighbouring grey level dependence matrix", "REK0", "ngl", VX_AGGS_ZONE},
};

static const vx_agg_info aggs[VX_AGG_COUNT] = {
    {VX_AGG_NONE, "3D_volume", "3D volume", "DHQ4", "", 0},
    {VX_AGG_2D_AVG, "2D_avg", "2D, averaged", "BTW3", "_2D_avg", 2},
    {VX_AGG_2D_SMRG, "2D_smrg", "2D, slice-merged", "SUJT", "_2D_comb", 2},
    {VX_AGG_25D_DMRG, "2.5D_dmrg", "2.5D, direction-merged", "JJUI", "_2_5D_avg", 25},
    {VX_AGG_25D_MRG, "2.5D_mrg", "2.5D, merged", "ZW7Z", "_2_5D_comb", 25},
    {VX_AGG_3D_AVG, "3D_avg", "3D, averaged", "ITBB", "_3D_avg", 3},
    {VX_AGG_3D_MRG, "3D_mrg", "3D, merged", "IAZD", "_3D_comb", 3},
    {VX_AGG_2D, "2D", "2D", "8QNN", "_2D", 2},
    {VX_AGG_25D, "2.5D", "2.5D", "62GR", "_2_5D", 25},
    {VX_AGG_3D, "3D", "3D", "KOBO", "_3D", 3},
};

#define VX_FAMILY_BEGIN(fam)
#define VX_FAMILY_END(fam)
#define VX_FEATURE(id, code, tag, name, pyrad, unit, flags) {VX_F_##id, code, tag, name, pyrad, unit, flags},
static const vx_feature_info features_raw[VX_F_COUNT] = {
#include "voxomics/features.def"
};
#undef VX_FEATURE
#undef VX_FAMILY_BEGIN
#undef VX_FAMILY_END

/* The first id of every family: each family block opens with a marker that takes the next id and then
 * steps the counter back, so VX_MARK_<family> equals the id of the family's first feature. */
enum vx_family_marks {
#define VX_FAMILY_BEGIN(fam) VX_MARK_##fam, VX_MARK_BACK_##fam = VX_MARK_##fam - 1,
#define VX_FAMILY_END(fam)
#define VX_FEATURE(id, code, tag, name, pyrad, unit, flags) VX_MARK_F_##id,
#include "voxomics/features.def"
#undef VX_FEATURE
#undef VX_FAMILY_BEGIN
#undef VX_FAMILY_END
    VX_MARK_END
};
_Static_assert((int)VX_MARK_END == (int)VX_F_COUNT, "feature marks out of step with the feature ids");

static const int family_first[VX_FAM_COUNT + 1] = {
    VX_MARK_VX_FAM_MORPH, VX_MARK_VX_FAM_LOCAL, VX_MARK_VX_FAM_STAT,  VX_MARK_VX_FAM_IH,
    VX_MARK_VX_FAM_IVH,   VX_MARK_VX_FAM_GLCM,  VX_MARK_VX_FAM_GLRLM, VX_MARK_VX_FAM_GLSZM,
    VX_MARK_VX_FAM_GLDZM, VX_MARK_VX_FAM_NGTDM, VX_MARK_VX_FAM_NGLDM, VX_F_COUNT,
};

static vx_family family_of(vx_feature_id id)
{
    int f = 0;
    while (f + 1 < VX_FAM_COUNT && (int)id >= family_first[f + 1])
        f++;
    return (vx_family)f;
}

const vx_family_info *vx_family_get(vx_family f)
{
    return (f >= 0 && f < VX_FAM_COUNT) ? &families[f] : NULL;
}

const vx_family_info *vx_family_find(const char *key)
{
    for (int f = 0; f < VX_FAM_COUNT; f++)
        if (!strcasecmp(key, families[f].key) || !strcasecmp(key, families[f].ibsi_code) ||
            !strcasecmp(key, families[f].tag_prefix))
            return &families[f];
    return NULL;
}

const vx_agg_info *vx_agg_get(vx_agg a)
{
    return (a >= 0 && a < VX_AGG_COUNT) ? &aggs[a] : NULL;
}

const vx_agg_info *vx_agg_find(const char *key)
{
    for (int a = 0; a < VX_AGG_COUNT; a++)
        if (!strcasecmp(key, aggs[a].key) || !strcasecmp(key, aggs[a].ibsi_code) ||
            !strcasecmp(key, aggs[a].name))
            return &aggs[a];
    return NULL;
}

const vx_feature_info *vx_feature_get(vx_feature_id id)
{
    return ((int)id >= 0 && id < VX_F_COUNT) ? &features_raw[id] : NULL;
}

vx_feature_id vx_feature_first(vx_family f)
{
    return (vx_feature_id)family_first[f];
}

size_t vx_feature_count(vx_family f)
{
    return (size_t)(family_first[f + 1] - family_first[f]);
}

vx_family vx_feature_family(vx_feature_id id)
{
    return family_of(id);
}

int vx_feature_tag(vx_feature_id id, vx_agg agg, char *buf, size_t len)
{
    const vx_feature_info *fi = vx_feature_get(id);
    const vx_agg_info *ai = vx_agg_get(agg);
    if (!fi || !ai)
        return VX_EINVAL;
    int n = snprintf(buf, len, "%s%s", fi->tag, ai->tag_suffix);
    return (n < 0 || (size_t)n >= len) ? VX_EINVAL : VX_OK;
}

/* ---- degenerate regions (docs/features.md, "Degenerate regions") ------------------------------------- */

const char *vx_degenerate_conventions(void)
{
    return "A region of interest can be degenerate: a single grey level (constant intensities, or every voxel in\n"
           "one bin after discretisation), a single voxel, or two voxels. Every feature then takes the value its\n"
           "IBSI 1 definition gives, decided from the definition and not from floating-point accidents:\n"
           "\n"
           "- Where the formula is well defined it is computed exactly: contrast 0, energy 1, entropy 0,\n"
           "  variance 0, joint average equal to the grey level, and so on. Probabilities are formed by division,\n"
           "  so that a count equal to the total gives exactly 1; entropies are sums of terms -p log2 p taken\n"
           "  for 0 < p < 1 only, so they are >= 0 by construction and exactly 0 for a one-point distribution;\n"
           "  means of integer-valued quantities are exact sums divided once.\n"
           "- Where the formula is 0/0 (or a non-zero number divided by 0) the value is NaN (`NaN` in the\n"
           "  output), never a rounding-level number pretending to be exact. Whether a denominator is 0 is\n"
           "  decided by an exact test (how many grey levels or values occur, whether all intensities are\n"
           "  equal, whether a pair exists), not by comparing a computed variance with 0.\n"
           "- Where IBSI 1 sets a convention, it is used: intensity and histogram skewness and kurtosis are 0\n"
           "  when the variance is 0, NGTDM coarseness is 10^6 when sum p_i s_i = 0, NGTDM contrast and\n"
           "  busyness are 0 and strength is 0 for a single grey level, the area under the IVH curve is 0 for\n"
           "  a single grey level.\n"
           "- Aggregation: an averaged aggregation (2D_avg, 2D_smrg, 2.5D_dmrg, 3D_avg, 2D) leaves out slices\n"
           "  and directions whose matrix is empty (no voxel pair, no voxel) and, per feature, values that are\n"
           "  NaN for that matrix; it is NaN only when the feature is NaN (or the matrix empty) for all of them.\n"
           "  A merged aggregation is NaN when the merged matrix is empty or the feature undefined for it. Means\n"
           "  are taken relative to the first value, so a feature whose definition gives the same value for\n"
           "  every slice and direction (e.g. every GLCM feature of a single grey level) has exactly that value\n"
           "  under the averaged and the merged aggregations. Results are bit-identical for any thread count.\n"
           "\n"
           "The note column below says which features are NaN or set by convention on such regions; features\n"
           "without a note have an ordinary, exactly computed value.\n";
}

const char *vx_family_degenerate_note(vx_family f)
{
    switch (f) {
    case VX_FAM_MORPH:
        return "Shape features depend on the morphological mask only. One voxel: principal axes, elongation, "
               "flatness and the enclosing-ellipsoid densities are NaN (covariance with 1/(N-1) is 0/0); "
               "voxels on a line or in a plane give exactly zero minor/least axes. Moran's I and Geary's C are "
               "NaN for one voxel (no pair) and for equal intensities (0/0).";
    case VX_FAM_LOCAL:
        return "Defined for any non-empty intensity mask (one voxel: the mean of its sphere).";
    case VX_FAM_STAT:
        return "Constant intensities (or one voxel): variance and every deviation exactly 0, skewness and "
               "kurtosis 0 (IBSI).";
    case VX_FAM_IH:
        return "One grey level: variance and deviations exactly 0, skewness and kurtosis 0 (IBSI), entropy 0, "
               "uniformity 1.";
    case VX_FAM_IVH:
        return "The range G comes from the re-segmentation range when there is one; a single value with no "
               "range gives G of zero width.";
    case VX_FAM_GLCM:
        return "One voxel, or no voxel pair along a direction: that matrix is empty (every feature NaN, left out "
               "of averages). One grey level: every feature exact (joint maximum 1, variances, contrast and "
               "entropies 0, energy and the inverse differences 1) except correlation and the first "
               "information correlation (NaN).";
    case VX_FAM_GLRLM:
        return "Defined for one voxel (one run of length 1 per direction) and for one grey level; no NaN.";
    case VX_FAM_GLSZM:
        return "Defined for one voxel (one zone of size 1) and for one grey level; no NaN.";
    case VX_FAM_GLDZM:
        return "Defined for one voxel (one zone at distance 1) and for one grey level; no NaN.";
    case VX_FAM_NGTDM:
        return "One grey level: coarseness 10^6, contrast, busyness, complexity and strength 0 (IBSI "
               "conventions). No voxel with an intensity-mask neighbour (e.g. one voxel, or a slice with one "
               "voxel in 2D): empty matrix, every feature NaN (N_vc = 0).";
    case VX_FAM_NGLDM:
        return "Defined for one voxel (dependence 1) and for one grey level; no NaN.";
    default:
        return "";
    }
}

typedef struct degenerate_note {
    vx_feature_id id;
    const char *note;
} degenerate_note;

static const degenerate_note degenerate_notes[] = {
    {VX_F_MORPH_COM, "NaN when the intensities sum to 0; equal intensities weigh voxels alike"},
    {VX_F_MORPH_PCA_MAJ_AXIS, "NaN for one voxel"},
    {VX_F_MORPH_PCA_MIN_AXIS, "NaN for one voxel; 0 for voxels on a line"},
    {VX_F_MORPH_PCA_LEAST_AXIS, "NaN for one voxel; 0 for voxels in a plane"},
    {VX_F_MORPH_PCA_ELONGATION, "NaN for one voxel; 0 for voxels on a line"},
    {VX_F_MORPH_PCA_FLATNESS, "NaN for one voxel; 0 for voxels in a plane"},
    {VX_F_MORPH_VOL_DENS_AEE, "NaN for one voxel and for voxels in a plane (ellipsoid volume 0)"},
    {VX_F_MORPH_AREA_DENS_AEE, "NaN for one voxel and for voxels on a line (ellipsoid area 0)"},
    {VX_F_MORPH_MORAN_I, "NaN for one voxel (no pair) and for equal intensities (0/0)"},
    {VX_F_MORPH_GEARY_C, "NaN for one voxel (no pair) and for equal intensities (0/0)"},
    {VX_F_STAT_SKEW, "0 when the variance is 0 (IBSI)"},
    {VX_F_STAT_KURT, "0 when the variance is 0 (IBSI)"},
    {VX_F_STAT_RMAD, "NaN when no value lies in [P10, P90] (possible with two values: 0/0)"},
    {VX_F_STAT_COV, "NaN when the mean is 0"},
    {VX_F_STAT_QCOD, "NaN when P75 + P25 = 0"},
    {VX_F_IH_SKEW, "0 when the variance is 0 (IBSI)"},
    {VX_F_IH_KURT, "0 when the variance is 0 (IBSI)"},
    {VX_F_IH_RMAD, "NaN when no level lies in [P10, P90] (possible with two levels: 0/0)"},
    {VX_F_IH_MODE, "ties: the level closest to the mean, then the lower (IBSI)"},
    {VX_F_IH_MAX_GRAD, "NaN when the discretisation has one bin (N_g = 1)"},
    {VX_F_IH_MAX_GRAD_G, "NaN when N_g = 1; ties: the lowest level"},
    {VX_F_IH_MIN_GRAD, "NaN when N_g = 1"},
    {VX_F_IH_MIN_GRAD_G, "NaN when N_g = 1; ties: the lowest level"},
    {VX_F_IVH_V10, "NaN when G has zero width (gamma is 0/0)"},
    {VX_F_IVH_V90, "NaN when G has zero width (gamma is 0/0)"},
    {VX_F_IVH_I10, "max G + w_d when no level of G holds at most 10% of the volume"},
    {VX_F_IVH_I90, "max G + w_d when no level of G holds at most 90% of the volume"},
    {VX_F_IVH_DIFF_V10_V90, "NaN when G has zero width"},
    {VX_F_IVH_AUC, "0 when G has zero width (IBSI)"},
    {VX_F_CM_CORR, "NaN for one grey level (0/0)"},
    {VX_F_CM_INFO_CORR1, "NaN for one grey level (0/0)"},
    {VX_F_CM_INFO_CORR2, "0 for one grey level"},
    {VX_F_NGT_COARSENESS, "10^6 when sum p_i s_i = 0, e.g. one grey level (IBSI)"},
    {VX_F_NGT_CONTRAST, "0 for one grey level (IBSI)"},
    {VX_F_NGT_BUSYNESS, "0 for one grey level (IBSI); NaN when the denominator is 0 with two or more levels"},
    {VX_F_NGT_COMPLEXITY, "0 for one grey level"},
    {VX_F_NGT_STRENGTH, "0 when sum s_i = 0, e.g. one grey level (IBSI)"},
};

const char *vx_feature_degenerate_note(vx_feature_id id)
{
    for (size_t k = 0; k < sizeof degenerate_notes / sizeof *degenerate_notes; k++)
        if (degenerate_notes[k].id == id)
            return degenerate_notes[k].note;
    return NULL;
}

/* PyRadiomics computes GLCM and GLRLM features per direction and averages them (3D_avg; with force2D the
 * in-plane directions over all slices: 2.5D_dmrg), the zone and neighbourhood matrices over the volume (3D;
 * with force2D: 2.5D), and the other classes over the volume. */
int vx_feature_pyradiomics_column(const char *image_type, vx_feature_id f, vx_agg a, char *buf, size_t n)
{
    const vx_feature_info *fi = vx_feature_get(f);
    if (!fi || !fi->pyradiomics || !buf || !image_type || !*image_type)
        return -1;
    int ok;
    switch (vx_feature_family(f)) {
    case VX_FAM_GLCM:
    case VX_FAM_GLRLM:
        ok = a == VX_AGG_3D_AVG || a == VX_AGG_25D_DMRG;
        break;
    case VX_FAM_GLSZM:
    case VX_FAM_GLDZM:
    case VX_FAM_NGTDM:
    case VX_FAM_NGLDM:
        ok = a == VX_AGG_3D || a == VX_AGG_25D;
        break;
    default:
        ok = a == VX_AGG_NONE;
        break;
    }
    if (!ok)
        return -1;
    int len = snprintf(buf, n, "%s_%s", image_type, fi->pyradiomics);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}
