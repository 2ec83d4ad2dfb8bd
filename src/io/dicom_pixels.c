/* voxomics: DICOM pixel data -> stored values, one frame at a time (PS3.5 8.1 and annex A.4).
 *
 * Native pixel data: frame k starts at k * rows * cols * bits_allocated / 8 bytes (bit offset for 1-bit data,
 * whose frames are packed without padding, least significant bit first). Encapsulated pixel data: fragment 0
 * is the Basic Offset Table; with one frame every remaining fragment belongs to it; with one fragment per
 * frame the mapping is direct; otherwise the offset table gives each frame's first fragment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dicom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int vx_dcm_pixfmt_read(const vx_dcm_file *f, vx_dcm_pixfmt *pf, size_t *nframes, vx_error *err)
{
    memset(pf, 0, sizeof *pf);
    const vx_dcm_ds *ds = &f->ds;
    double rows, cols, spp = 1, ba, bs, hb, pr = 0, nf = 1, pc = 0;
    if (vx_dcm_num(ds, VX_DCM_ROWS, &rows) || vx_dcm_num(ds, VX_DCM_COLUMNS, &cols) ||
        vx_dcm_num(ds, VX_DCM_BITS_ALLOCATED, &ba))
        return vx_error_set(err, VX_EFORMAT, "%s: image without Rows, Columns or BitsAllocated", f->name);
    vx_dcm_num(ds, VX_DCM_SAMPLES_PER_PIXEL, &spp);
    if (vx_dcm_num(ds, VX_DCM_BITS_STORED, &bs))
        bs = ba;
    if (vx_dcm_num(ds, VX_DCM_HIGH_BIT, &hb))
        hb = bs - 1;
    vx_dcm_num(ds, VX_DCM_PIXEL_REPRESENTATION, &pr);
    vx_dcm_num(ds, VX_DCM_NUMBER_OF_FRAMES, &nf);
    vx_dcm_num(ds, VX_DCM_PLANAR_CONFIG, &pc);
    if (rows < 1 || cols < 1 || rows > 65535 || cols > 65535 || nf < 1 || nf > 1e6)
        return vx_error_set(err, VX_EFORMAT, "%s: invalid image size %g x %g x %g frames", f->name, cols, rows, nf);
    if (spp != 1)
        return vx_error_set(err, VX_EUNSUPPORTED,
                            "%s: %g samples per pixel (colour): only greyscale images can be analysed", f->name,
                            spp);
    int is_float = vx_dcm_find(ds, VX_DCM_FLOAT_PIXEL_DATA) || vx_dcm_find(ds, VX_DCM_DOUBLE_PIXEL_DATA);
    if (!is_float && ba != 1 && ba != 8 && ba != 16 && ba != 32)
        return vx_error_set(err, VX_EUNSUPPORTED, "%s: BitsAllocated %g is not supported (1, 8, 16, 32)", f->name,
                            ba);
    if (bs < 1 || bs > ba || hb < bs - 1 || hb > ba - 1)
        bs = ba, hb = ba - 1; /* inconsistent header: use the whole allocation */
    /* the pixel data must be able to hold the frames: refuse headers whose size claims are implausible before
     * anyone allocates for them (native: every byte must be present; compressed: at most 100000:1) */
    double voxels = rows * cols * nf;
    const vx_dcm_elem *e = vx_dcm_find(ds, VX_DCM_PIXEL_DATA);
    if (e && e->nfrag) {
        double bytes = 0;
        for (size_t i = 1; i < e->nfrag; i++)
            bytes += e->frag_len[i];
        if (bytes * 1e5 < voxels)
            return vx_error_set(err, VX_EFORMAT,
                                "%s: %g x %g x %g frames claimed for %g bytes of compressed pixel data", f->name,
                                cols, rows, nf, bytes);
    } else if (e && e->value && ba > 0 && (double)e->len < ceil(voxels * ba / 8.0)) {
        return vx_error_set(err, VX_EFORMAT,
                            "%s: truncated pixel data: %u bytes for %g frame%s of %g x %g %g-bit values (%g bytes)",
                            f->name, e->len, nf, nf == 1 ? "" : "s", cols, rows, ba, ceil(voxels * ba / 8.0));
    }
    pf->rows = (unsigned)rows;
    pf->cols = (unsigned)cols;
    pf->samples = 1;
    pf->bits_allocated = (unsigned)ba;
    pf->bits_stored = (unsigned)bs;
    pf->high_bit = (unsigned)hb;
    pf->pixel_rep = pr != 0;
    pf->planar = pc != 0;
    *nframes = (size_t)nf;
    return VX_OK;
}

static double stored_value(uint32_t u, const vx_dcm_pixfmt *pf)
{
    unsigned shift = pf->high_bit + 1 - pf->bits_stored;
    u >>= shift;
    if (pf->bits_stored < 32)
        u &= (1u << pf->bits_stored) - 1u;
    if (pf->pixel_rep && pf->bits_stored > 0 && (u >> (pf->bits_stored - 1)) & 1u)
        return (double)u - (pf->bits_stored < 32 ? (double)(1u << pf->bits_stored) : 4294967296.0);
    return (double)u;
}

/* Convert n samples of bits_allocated bits (little or big endian) to stored values. */
static void convert(const uint8_t *p, size_t n, int be, const vx_dcm_pixfmt *pf, double *out)
{
    switch (pf->bits_allocated) {
    case 8:
        for (size_t i = 0; i < n; i++)
            out[i] = stored_value(p[i], pf);
        break;
    case 16:
        for (size_t i = 0; i < n; i++) {
            const uint8_t *q = p + 2 * i;
            uint32_t u = be ? (uint32_t)(q[0] << 8 | q[1]) : (uint32_t)(q[1] << 8 | q[0]);
            out[i] = stored_value(u, pf);
        }
        break;
    default:
        for (size_t i = 0; i < n; i++) {
            const uint8_t *q = p + 4 * i;
            uint32_t u = be ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3]
                            : (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
            out[i] = stored_value(u, pf);
        }
        break;
    }
}

static int float_frame(const vx_dcm_file *f, const vx_dcm_elem *e, size_t npix, size_t k, double *out,
                       vx_error *err)
{
    int dbl = e->tag == VX_DCM_DOUBLE_PIXEL_DATA;
    size_t w = dbl ? 8 : 4;
    if (!e->value || e->len / w / npix <= k)
        return vx_error_set(err, VX_EFORMAT, "%s: float pixel data holds fewer than %zu frames", f->name, k + 1);
    const uint8_t *p = e->value + k * npix * w;
    for (size_t i = 0; i < npix; i++) {
        uint8_t b[8];
        for (size_t j = 0; j < w; j++)
            b[j] = f->big_endian ? p[i * w + w - 1 - j] : p[i * w + j];
        if (dbl) {
            double d;
            memcpy(&d, b, 8);
            out[i] = d;
        } else {
            float fl;
            memcpy(&fl, b, 4);
            out[i] = fl;
        }
    }
    return VX_OK;
}

/* The fragments [first, last) of frame k. */
static int frame_fragments(const vx_dcm_file *f, const vx_dcm_elem *e, size_t nframes, size_t k, size_t *first,
                           size_t *last, vx_error *err)
{
    size_t nf = e->nfrag ? e->nfrag - 1 : 0; /* data fragments after the offset table */
    if (nf == 0)
        return vx_error_set(err, VX_EFORMAT, "%s: encapsulated pixel data without fragments", f->name);
    if (nframes == 1) {
        *first = 1;
        *last = e->nfrag;
        return VX_OK;
    }
    if (nf == nframes) {
        *first = k + 1;
        *last = k + 2;
        return VX_OK;
    }
    uint32_t bot = e->frag_len[0];
    if (bot / 4 != nframes)
        return vx_error_set(err, VX_EUNSUPPORTED,
                            "%s: %zu frames in %zu fragments without a usable Basic Offset Table", f->name, nframes,
                            nf);
    /* offsets are measured from the first byte of the first fragment's item tag */
    uint32_t want = (uint32_t)e->frag[0][4 * k] | (uint32_t)e->frag[0][4 * k + 1] << 8 |
                    (uint32_t)e->frag[0][4 * k + 2] << 16 | (uint32_t)e->frag[0][4 * k + 3] << 24;
    uint32_t next = UINT32_MAX;
    if (k + 1 < nframes)
        next = (uint32_t)e->frag[0][4 * k + 4] | (uint32_t)e->frag[0][4 * k + 5] << 8 |
               (uint32_t)e->frag[0][4 * k + 6] << 16 | (uint32_t)e->frag[0][4 * k + 7] << 24;
    uint64_t pos = 0;
    *first = *last = 0;
    for (size_t i = 1; i < e->nfrag; i++) {
        if (pos == want)
            *first = i;
        if (pos == next) {
            *last = i;
            break;
        }
        pos += 8 + (uint64_t)e->frag_len[i];
    }
    if (*first && !*last && next == UINT32_MAX)
        *last = e->nfrag;
    if (!*first || *last <= *first)
        return vx_error_set(err, VX_EFORMAT, "%s: the Basic Offset Table does not match the fragments (frame %zu)",
                            f->name, k + 1);
    return VX_OK;
}

int vx_dcm_frame(const vx_dcm_file *f, const vx_dcm_pixfmt *pf, size_t nframes, size_t k, double *out,
                 vx_error *err)
{
    size_t npix = (size_t)pf->rows * pf->cols;
    if (k >= nframes)
        return vx_error_set(err, VX_EINVAL, "%s: frame %zu of %zu requested", f->name, k + 1, nframes);
    const vx_dcm_elem *e = vx_dcm_find(&f->ds, VX_DCM_PIXEL_DATA);
    if (!e) {
        const vx_dcm_elem *fe = vx_dcm_find(&f->ds, VX_DCM_FLOAT_PIXEL_DATA);
        if (!fe)
            fe = vx_dcm_find(&f->ds, VX_DCM_DOUBLE_PIXEL_DATA);
        if (fe)
            return float_frame(f, fe, npix, k, out, err);
        return vx_error_set(err, VX_EFORMAT, "%s: no pixel data (7FE0,0010)", f->name);
    }
    if (e->nfrag || e->len == VX_DCM_UNDEFINED) {
        int kind = 0, ev, be;
        vx_dcm_ts_info(f->ts, &kind, &ev, &be);
        if (kind < VX_TS_RLE)
            return vx_error_set(err, VX_EFORMAT, "%s: encapsulated pixel data in the uncompressed transfer syntax %s",
                                f->name, f->ts);
        if (pf->bits_allocated != 8 && pf->bits_allocated != 16 && !(kind == VX_TS_RLE && pf->bits_allocated == 32))
            return vx_error_set(err, VX_EUNSUPPORTED, "%s: compressed %u-bit pixel data is not supported", f->name,
                                pf->bits_allocated);
        size_t a = 0, b = 0;
        int rc = frame_fragments(f, e, nframes, k, &a, &b, err);
        if (rc != VX_OK)
            return rc;
        size_t total = 0;
        for (size_t i = a; i < b; i++)
            total += e->frag_len[i];
        uint8_t *joined = NULL;
        const uint8_t *data = e->frag[a];
        if (b - a > 1) {
            joined = malloc(total ? total : 1);
            if (!joined)
                return vx_error_set(err, VX_ENOMEM, "%s: out of memory joining fragments", f->name);
            size_t off = 0;
            for (size_t i = a; i < b; i++) {
                memcpy(joined + off, e->frag[i], e->frag_len[i]);
                off += e->frag_len[i];
            }
            data = joined;
        }
        size_t w = pf->bits_allocated / 8, olen = npix * w;
        uint8_t *dec = malloc(olen);
        if (!dec) {
            free(joined);
            return vx_error_set(err, VX_ENOMEM, "%s: out of memory decoding a frame", f->name);
        }
        rc = vx_dcm_decode_frame(kind, data, total, pf, dec, olen, err);
        free(joined);
        if (rc == VX_OK) {
            vx_dcm_pixfmt low = *pf; /* codecs return the stored bits in the low bits */
            low.high_bit = low.bits_stored - 1;
            convert(dec, npix, 0, &low, out);
        }
        else
            vx_error_prefix(err, "%s: frame %zu: ", f->name, k + 1);
        free(dec);
        return rc;
    }
    if (!e->value && e->len)
        return vx_error_set(err, VX_EFORMAT, "%s: pixel data is not readable", f->name);
    if (pf->bits_allocated == 1) {
        size_t bit0 = k * npix;
        if ((size_t)e->len * 8 < bit0 + npix)
            return vx_error_set(err, VX_EFORMAT, "%s: pixel data holds %u bytes, too few for %zu frames of %ux%u bits",
                                f->name, e->len, nframes, pf->cols, pf->rows);
        for (size_t i = 0; i < npix; i++) {
            size_t bit = bit0 + i;
            out[i] = (e->value[bit >> 3] >> (bit & 7)) & 1u;
        }
        return VX_OK;
    }
    size_t w = pf->bits_allocated / 8, need = npix * w;
    if ((size_t)e->len / need < k + 1)
        return vx_error_set(err, VX_EFORMAT,
                            "%s: pixel data holds %u bytes, too few for frame %zu of %ux%u %u-bit values "
                            "(truncated file?)",
                            f->name, e->len, k + 1, pf->cols, pf->rows, pf->bits_allocated);
    /* 8-bit OB data is never swapped; OW in big endian is */
    convert(e->value + k * need, npix, f->big_endian && w > 1, pf, out);
    return VX_OK;
}
