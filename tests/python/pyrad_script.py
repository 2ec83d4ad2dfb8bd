# A PyRadiomics script as PyRadiomics' documentation writes one (read the parameters, make the extractor,
# execute on an image and a mask, print every value), with its one import changed to voxomics' module:
#   import radiomics
# became the line below; nothing else differs. test_pyradiomics.py runs it on PyRadiomics' brain1.
# Usage: pyrad_script.py PARAMS IMAGE MASK
# SPDX-License-Identifier: GPL-3.0-or-later
import logging
import sys

from voxomics import pyradiomics as radiomics


def main(params, image, mask, out=sys.stdout):
    radiomics.setVerbosity(logging.WARNING)
    extractor = radiomics.featureextractor.RadiomicsFeatureExtractor(params)
    print("Extraction parameters:\n\t", extractor.settings, file=out)
    print("Enabled filters:\n\t", extractor.enabledImagetypes, file=out)
    print("Enabled features:\n\t", extractor.enabledFeatures, file=out)
    result = extractor.execute(image, mask)
    print("Result type:", type(result), file=out)
    print("Calculated features", file=out)
    for key, value in result.items():
        print("\t", key, ":", value, file=out)
    return result


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: pyrad_script.py PARAMS IMAGE MASK")
    main(*sys.argv[1:])
