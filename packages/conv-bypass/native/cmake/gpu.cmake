# The optional GPU backend of the addon (issue 5). Included by ../CMakeLists.txt after the addon target
# ${ROCM_PATCH_ADDON_TARGET} exists.
#
# ROCM_PATCH_GPU (environment or -D): auto (default) | hip | cuda | off.
#   auto: HIP when ROCm's hipcc and its runtime (libamdhip64) are found and an AMD GPU driver is present
#   (/dev/kfd) or nvcc is absent; else CUDA when nvcc is found; else none. (A machine with both
#   toolchains and no AMD driver — e.g. CI with Debian's hipcc next to nvcc — builds CUDA.)
# ROCM_PATCH_HIP_TARGETS: AMD targets, ';' or ',' separated (default: RDNA1/2/3, the gfx90c APU, and gfx900:
#   the code object a gfx90c loads under HSA_OVERRIDE_GFX_VERSION=9.0.0, which @rocm-patch/env plans for it;
#   test/hip-targets.test.ts checks that every card the list serves loads one of its code objects).
# ROCM_PATCH_CUDA_ARCHS: NVIDIA architectures (default 80;90, plus PTX of the last for newer GPUs).
#
# The .hip sources are compiled by the vendor compiler itself (custom commands, no CMake GPU language
# support needed) and linked into the addon as objects. The CUDA runtime is linked statically, so the
# addon loads, and falls back to the CPU, on machines without libcudart or a driver.

function(rocm_patch_setting name default out)
  if(DEFINED ${name} AND NOT "${${name}}" STREQUAL "")
    set(v "${${name}}")
  elseif(DEFINED ENV{${name}} AND NOT "$ENV{${name}}" STREQUAL "")
    set(v "$ENV{${name}}")
  else()
    set(v "${default}")
  endif()
  string(REPLACE "," ";" v "${v}")
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

rocm_patch_setting(ROCM_PATCH_GPU "auto" _rp_gpu)
string(TOLOWER "${_rp_gpu}" _rp_gpu)
if(NOT _rp_gpu MATCHES "^(auto|hip|cuda|off)$")
  message(FATAL_ERROR "rocm-patch: ROCM_PATCH_GPU must be auto, hip, cuda or off, got '${_rp_gpu}'")
endif()
set(_rp_default_hip_targets "gfx1010;gfx1011;gfx1012;gfx1030;gfx1031;gfx1032;gfx1100;gfx1101;gfx1102;gfx90c;gfx900")
rocm_patch_setting(ROCM_PATCH_HIP_TARGETS "${_rp_default_hip_targets}" _rp_hip_targets)
rocm_patch_setting(ROCM_PATCH_CUDA_ARCHS "80;90" _rp_cuda_archs)

set(_rp_gpu_dir ${CMAKE_CURRENT_SOURCE_DIR}/src/gpu)
# The conv kernels (src/gpu), the GPU runtime of the device context (src/device) and the tensor kernels
# (src/tensor/gpu).
file(GLOB _rp_hip_sources CONFIGURE_DEPENDS ${_rp_gpu_dir}/*.hip ${CMAKE_CURRENT_SOURCE_DIR}/src/device/*.hip
     ${CMAKE_CURRENT_SOURCE_DIR}/src/tensor/gpu/*.hip)
file(GLOB _rp_gpu_headers CONFIGURE_DEPENDS ${_rp_gpu_dir}/*.h ${CMAKE_CURRENT_SOURCE_DIR}/src/common/*.h
     ${CMAKE_CURRENT_SOURCE_DIR}/src/device/*.h ${CMAKE_CURRENT_SOURCE_DIR}/src/tensor/*.h
     ${CMAKE_CURRENT_SOURCE_DIR}/src/tensor/ops/*.h ${CMAKE_CURRENT_SOURCE_DIR}/src/tensor/gpu/*.h)

# --- toolchain discovery -------------------------------------------------------------------------
set(_rp_rocm_hints $ENV{ROCM_PATH} $ENV{HIP_PATH} /opt/rocm)
find_program(ROCM_PATCH_HIPCC hipcc HINTS ${_rp_rocm_hints} PATH_SUFFIXES bin)
find_library(ROCM_PATCH_AMDHIP64 amdhip64 HINTS ${_rp_rocm_hints} PATH_SUFFIXES lib lib64)

set(_rp_cuda_hints $ENV{CUDA_PATH} $ENV{CUDA_HOME} $ENV{CUDA_ROOT} /usr/local/cuda)
find_program(ROCM_PATCH_NVCC nvcc HINTS ${_rp_cuda_hints} PATH_SUFFIXES bin)
set(_rp_cudart_hints ${_rp_cuda_hints})
if(ROCM_PATCH_NVCC)
  # nvcc may be a wrapper script: ask it where its toolkit is.
  execute_process(COMMAND ${ROCM_PATCH_NVCC} -v --dryrun -x cu -c /dev/null -o /dev/null
                  OUTPUT_VARIABLE _rp_out ERROR_VARIABLE _rp_err RESULT_VARIABLE _rp_rc)
  if("${_rp_out}${_rp_err}" MATCHES "#\\$ _TOP_=([^\r\n]*)")
    list(APPEND _rp_cudart_hints "${CMAKE_MATCH_1}")
  endif()
  get_filename_component(_rp_nvcc_dir ${ROCM_PATCH_NVCC} DIRECTORY)
  list(APPEND _rp_cudart_hints ${_rp_nvcc_dir}/..)
endif()
find_library(ROCM_PATCH_CUDART_STATIC NAMES libcudart_static.a cudart_static HINTS ${_rp_cudart_hints}
             PATH_SUFFIXES lib64 lib targets/x86_64-linux/lib targets/sbsa-linux/lib)

set(_rp_have_hip FALSE)
if(ROCM_PATCH_HIPCC AND ROCM_PATCH_AMDHIP64)
  set(_rp_have_hip TRUE)
endif()
set(_rp_have_cuda FALSE)
if(ROCM_PATCH_NVCC AND ROCM_PATCH_CUDART_STATIC)
  set(_rp_have_cuda TRUE)
endif()

set(_rp_backend none)
if(_rp_gpu STREQUAL "hip")
  if(NOT _rp_have_hip)
    message(FATAL_ERROR "rocm-patch: ROCM_PATCH_GPU=hip but ROCm's hipcc/libamdhip64 were not found "
                        "(hipcc: ${ROCM_PATCH_HIPCC}, libamdhip64: ${ROCM_PATCH_AMDHIP64}); set ROCM_PATH")
  endif()
  set(_rp_backend hip)
elseif(_rp_gpu STREQUAL "cuda")
  if(NOT _rp_have_cuda)
    message(FATAL_ERROR "rocm-patch: ROCM_PATCH_GPU=cuda but nvcc/libcudart_static were not found "
                        "(nvcc: ${ROCM_PATCH_NVCC}, cudart: ${ROCM_PATCH_CUDART_STATIC}); set CUDA_PATH")
  endif()
  set(_rp_backend cuda)
elseif(_rp_gpu STREQUAL "auto")
  if(_rp_have_hip AND (EXISTS /dev/kfd OR NOT _rp_have_cuda))
    set(_rp_backend hip)
  elseif(_rp_have_cuda)
    set(_rp_backend cuda)
  endif()
endif()

if(_rp_backend STREQUAL "none")
  message(STATUS "rocm-patch: GPU backend = none (ROCM_PATCH_GPU=${_rp_gpu}; hipcc+libamdhip64: ${_rp_have_hip}, "
                 "nvcc+cudart_static: ${_rp_have_cuda})")
  return()
endif()

# --- compile the .hip sources with the vendor compiler ------------------------------------------
set(_rp_objects)
set(_rp_obj_dir ${CMAKE_CURRENT_BINARY_DIR}/rocm_patch_gpu)
file(MAKE_DIRECTORY ${_rp_obj_dir})
if(_rp_backend STREQUAL "hip")
  # With the default list, keep only the targets this ROCm can build (ROCm 5.2, Debian's, has no
  # gfx11 device libraries); an explicit ROCM_PATCH_HIP_TARGETS is used as given.
  if("${_rp_hip_targets}" STREQUAL "${_rp_default_hip_targets}")
    set(_rp_probe ${CMAKE_CURRENT_BINARY_DIR}/rocm_patch_probe.hip)
    file(WRITE ${_rp_probe} "#include <hip/hip_runtime.h>\n__global__ void k(float* p) { p[threadIdx.x] = 1.f; }\n")
    set(_rp_supported)
    foreach(t IN LISTS _rp_hip_targets)
      execute_process(COMMAND ${CMAKE_COMMAND} -E env HIP_PLATFORM=amd ${ROCM_PATCH_HIPCC} --offload-arch=${t} -c ${_rp_probe}
                              -o ${CMAKE_CURRENT_BINARY_DIR}/rocm_patch_probe.o
                      RESULT_VARIABLE _rp_rc OUTPUT_QUIET ERROR_QUIET)
      if(_rp_rc EQUAL 0)
        list(APPEND _rp_supported ${t})
      else()
        message(STATUS "rocm-patch: this ROCm cannot build ${t}; leaving it out")
      endif()
    endforeach()
    if(NOT _rp_supported)
      message(FATAL_ERROR "rocm-patch: hipcc (${ROCM_PATCH_HIPCC}) builds none of ${_rp_hip_targets}")
    endif()
    set(_rp_hip_targets ${_rp_supported})
  endif()
  set(_rp_flags -std=c++17 -O3 -fPIC -fvisibility=hidden -I${CMAKE_CURRENT_SOURCE_DIR}/src)
  foreach(t IN LISTS _rp_hip_targets)
    list(APPEND _rp_flags --offload-arch=${t})
  endforeach()
  # hipcc picks its platform from HIP_PLATFORM (and would use nvcc when it is on PATH): pin AMD.
  set(_rp_compiler ${CMAKE_COMMAND} -E env HIP_PLATFORM=amd ${ROCM_PATCH_HIPCC})
  set(_rp_desc "hip (${ROCM_PATCH_HIPCC}; targets ${_rp_hip_targets})")
else()
  set(_rp_flags -x cu -std=c++17 -O3 -Xcompiler=-fPIC,-fvisibility=hidden -I${CMAKE_CURRENT_SOURCE_DIR}/src)
  set(_rp_last "")
  foreach(a IN LISTS _rp_cuda_archs)
    list(APPEND _rp_flags -gencode=arch=compute_${a},code=sm_${a})
    set(_rp_last ${a})
  endforeach()
  list(APPEND _rp_flags -gencode=arch=compute_${_rp_last},code=compute_${_rp_last})
  set(_rp_compiler ${ROCM_PATCH_NVCC})
  set(_rp_desc "cuda (${ROCM_PATCH_NVCC}; sm ${_rp_cuda_archs} + PTX ${_rp_last}; static cudart)")
endif()

foreach(src IN LISTS _rp_hip_sources)
  # Object names carry the folder (device_runtime_gpu.o, tensor_gpu_elementwise.o): file names may repeat.
  file(RELATIVE_PATH rel ${CMAKE_CURRENT_SOURCE_DIR}/src ${src})
  string(REGEX REPLACE "\\.hip$" "" name "${rel}")
  string(REPLACE "/" "_" name "${name}")
  set(obj ${_rp_obj_dir}/${name}.o)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${_rp_compiler} ${_rp_flags} -c ${src} -o ${obj}
    DEPENDS ${src} ${_rp_gpu_headers}
    COMMENT "rocm-patch: ${_rp_backend} ${rel}"
    VERBATIM)
  list(APPEND _rp_objects ${obj})
endforeach()

target_sources(${ROCM_PATCH_ADDON_TARGET} PRIVATE ${_rp_objects} ${_rp_gpu_dir}/bindings.cc)
target_compile_definitions(${ROCM_PATCH_ADDON_TARGET} PRIVATE ROCM_PATCH_WITH_GPU=1
                           ROCM_PATCH_GPU_BACKEND_NAME="${_rp_backend}")
if(_rp_backend STREQUAL "hip")
  target_link_libraries(${ROCM_PATCH_ADDON_TARGET} PRIVATE ${ROCM_PATCH_AMDHIP64})
else()
  target_link_libraries(${ROCM_PATCH_ADDON_TARGET} PRIVATE ${ROCM_PATCH_CUDART_STATIC} ${CMAKE_DL_LIBS} rt)
endif()
message(STATUS "rocm-patch: GPU backend = ${_rp_desc}")
