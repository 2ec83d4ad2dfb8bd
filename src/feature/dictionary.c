/* voxomics: the feature dictionary (families, aggregations, features), built from features.def.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "voxomics/extract.h"
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

/* PyRadiomics computes GLCM and GLRLM features per direction and averages them (3D_avg; with force2D the
 * in-plane directions over all slices: 2.5D_dmrg), the zone and neighbourhood matrices over the volume (3D;
 * with force2D: 2.5D), and the other classes over the volume. */
int vx_feature_pyradiomics_column(vx_feature_id f, vx_agg a, char *buf, size_t n)
{
    const vx_feature_info *fi = vx_feature_get(f);
    if (!fi || !fi->pyradiomics || !buf)
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
    int len = snprintf(buf, n, "original_%s", fi->pyradiomics);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}
