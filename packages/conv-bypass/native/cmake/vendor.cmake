# The vendor conv path (issue 6): MIOpen / cuDNN loaded at run time with dlopen, so it needs no headers
# or libraries at build time, only the GPU backend's runtime (for device memory). Included by
# ../CMakeLists.txt after cmake/gpu.cmake; adds nothing to a CPU-only build.
get_target_property(_rp_vendor_defs ${ROCM_PATCH_ADDON_TARGET} COMPILE_DEFINITIONS)
if(NOT "${_rp_vendor_defs}" MATCHES "ROCM_PATCH_WITH_GPU=1")
  message(STATUS "rocm-patch: vendor conv path = none (no GPU backend)")
  return()
endif()
set(_rp_vendor_dir ${CMAKE_CURRENT_SOURCE_DIR}/src/vendor)
target_sources(${ROCM_PATCH_ADDON_TARGET} PRIVATE
  ${_rp_vendor_dir}/bindings.cc
  ${_rp_vendor_dir}/vendor_conv.cc
  ${_rp_vendor_dir}/cudnn.cc
  ${_rp_vendor_dir}/miopen.cc)
target_compile_definitions(${ROCM_PATCH_ADDON_TARGET} PRIVATE ROCM_PATCH_WITH_VENDOR=1)
target_link_libraries(${ROCM_PATCH_ADDON_TARGET} PRIVATE ${CMAKE_DL_LIBS})
message(STATUS "rocm-patch: vendor conv path = libMIOpen.so / libcudnn.so.9 via dlopen at run time")
