// The public entry of `@osmem/syscalls/testing`: the backend contract suite and its feature names.
// Re-exports only; the suite's sections live in `internal/` and are not part of the API.
export { describeSyscallContract, type SyscallContractOptions } from "./internal/describe-syscall-contract.js";
export { CONTRACT_FEATURES, isContractFeature, type ContractFeature } from "./contract-features.js";
