// voxomics: reference numbers for PyRadiomics' resampling, computed with ITK 5.2 (Debian's
// libinsighttoolkit5-dev) as SimpleITK configures it for PyRadiomics' resampleImage: the grid from the mask's
// bounding box (padDistance, floor / ceil of the box corners on the new grid, clipped to the image), the
// output origin from the continuous index of the first new voxel, itk::ResampleImageFilter with an identity
// transform, the image interpolated by the chosen interpolator into the input's pixel type, the mask by
// nearest neighbour. Used by scripts/pyrad_prep_reference.sh only (never at test time): it prints the grid
// and every resampled voxel so that the numbers can be committed as test data.
//
// Usage: itk_pyrad_resample IMAGE.nrrd MASK.nrrd SX SY SZ INTERP PAD LABEL
//   INTERP: 1 nearest neighbour, 2 linear, 3 B-spline (SimpleITK's sitkNearestNeighbor, sitkLinear, sitkBSpline)
// Output: "grid nx ny nz ox oy oz", then one line "i j k image mask" per voxel (x fastest).
//
// SPDX-License-Identifier: GPL-3.0-or-later
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "itkBSplineInterpolateImageFunction.h"
#include "itkImage.h"
#include "itkImageFileReader.h"
#include "itkImageIOBase.h"
#include "itkLinearInterpolateImageFunction.h"
#include "itkNearestNeighborInterpolateImageFunction.h"
#include "itkNrrdImageIO.h"
#include "itkResampleImageFilter.h"

using MaskType = itk::Image<unsigned int, 3>;

template <typename TImage>
typename TImage::Pointer
readAs(const char * path)
{
  auto reader = itk::ImageFileReader<TImage>::New();
  reader->SetImageIO(itk::NrrdImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

template <typename TPixel>
int
run(char ** argv)
{
  using ImageType = itk::Image<TPixel, 3>;
  auto image = readAs<ImageType>(argv[1]);
  auto mask = readAs<MaskType>(argv[2]);
  const double want[3] = { atof(argv[3]), atof(argv[4]), atof(argv[5]) };
  const int interp = atoi(argv[6]);
  const double pad = atof(argv[7]);
  const unsigned int label = (unsigned int)atoi(argv[8]);

  // bounding box of the label (as LabelShapeStatisticsImageFilter reports it: lower index and size)
  const auto msize = mask->GetLargestPossibleRegion().GetSize();
  long lo[3] = { (long)msize[0], (long)msize[1], (long)msize[2] }, hi[3] = { -1, -1, -1 };
  itk::Index<3> idx;
  for (idx[2] = 0; idx[2] < (long)msize[2]; ++idx[2])
    for (idx[1] = 0; idx[1] < (long)msize[1]; ++idx[1])
      for (idx[0] = 0; idx[0] < (long)msize[0]; ++idx[0])
        if (mask->GetPixel(idx) == label)
          for (int a = 0; a < 3; ++a)
          {
            lo[a] = std::min(lo[a], (long)idx[a]);
            hi[a] = std::max(hi[a], (long)idx[a]);
          }
  const auto mspacing = mask->GetSpacing();
  double spacing[3], ratio[3], lb[3], ub[3];
  itk::Size<3> size;
  itk::ContinuousIndex<double, 3> origin_index;
  for (int a = 0; a < 3; ++a)
  {
    const double bsize = (double)(hi[a] - lo[a] + 1);
    spacing[a] = want[a] == 0.0 ? mspacing[a] : want[a];
    if (bsize == 1.0)
      spacing[a] = mspacing[a];
    ratio[a] = mspacing[a] / spacing[a];
    lb[a] = std::floor(((double)lo[a] - 0.5) * ratio[a] - pad);
    ub[a] = std::ceil(((double)lo[a] + bsize - 0.5) * ratio[a] + pad);
    const double maxub = std::ceil((double)msize[a] * ratio[a]) - 1.0;
    lb[a] = lb[a] < 0.0 ? 0.0 : lb[a];
    ub[a] = ub[a] > maxub ? maxub : ub[a];
    size[a] = (itk::SizeValueType)(ub[a] - lb[a] + 1.0);
    origin_index[a] = 0.5 * (spacing[a] - mspacing[a]) / mspacing[a] + lb[a] / ratio[a];
  }
  typename ImageType::PointType origin;
  mask->TransformContinuousIndexToPhysicalPoint(origin_index, origin);
  typename ImageType::SpacingType ospacing;
  for (int a = 0; a < 3; ++a)
    ospacing[a] = spacing[a];

  auto rif = itk::ResampleImageFilter<ImageType, ImageType>::New();
  rif->SetInput(image);
  rif->SetOutputSpacing(ospacing);
  rif->SetOutputDirection(mask->GetDirection());
  rif->SetSize(size);
  rif->SetOutputOrigin(origin);
  if (interp == 1)
    rif->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<ImageType, double>::New());
  else if (interp == 2)
    rif->SetInterpolator(itk::LinearInterpolateImageFunction<ImageType, double>::New());
  else
  {
    auto b = itk::BSplineInterpolateImageFunction<ImageType, double>::New();
    b->SetSplineOrder(3);
    rif->SetInterpolator(b);
  }
  rif->Update();
  auto out = rif->GetOutput();

  auto mrif = itk::ResampleImageFilter<MaskType, MaskType>::New();
  mrif->SetInput(mask);
  mrif->SetOutputSpacing(ospacing);
  mrif->SetOutputDirection(mask->GetDirection());
  mrif->SetSize(size);
  mrif->SetOutputOrigin(origin);
  mrif->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<MaskType, double>::New());
  mrif->Update();
  auto mout = mrif->GetOutput();

  printf("grid %lu %lu %lu %.17g %.17g %.17g\n", (unsigned long)size[0], (unsigned long)size[1],
         (unsigned long)size[2], origin[0], origin[1], origin[2]);
  for (idx[2] = 0; idx[2] < (long)size[2]; ++idx[2])
    for (idx[1] = 0; idx[1] < (long)size[1]; ++idx[1])
      for (idx[0] = 0; idx[0] < (long)size[0]; ++idx[0])
        printf("%ld %ld %ld %.17g %u\n", (long)idx[0], (long)idx[1], (long)idx[2], (double)out->GetPixel(idx),
               mout->GetPixel(idx));
  return 0;
}

int
main(int argc, char ** argv)
{
  if (argc != 9)
  {
    fprintf(stderr, "usage: %s IMAGE.nrrd MASK.nrrd SX SY SZ INTERP PAD LABEL\n", argv[0]);
    return 2;
  }
  // the pixel type of the image file decides the output type (as SimpleITK keeps it)
  auto io = itk::NrrdImageIO::New();
  io->SetFileName(argv[1]);
  io->ReadImageInformation();
  switch (io->GetComponentType())
  {
    case itk::IOComponentEnum::SHORT:
      return run<short>(argv);
    case itk::IOComponentEnum::UCHAR:
      return run<unsigned char>(argv);
    case itk::IOComponentEnum::INT:
      return run<int>(argv);
    case itk::IOComponentEnum::FLOAT:
      return run<float>(argv);
    default:
      return run<double>(argv);
  }
}
