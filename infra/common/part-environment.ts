/**
 * A part's environment on AWS, built from its contract (runtime/<part>/*contract.ts): the
 * argument's type requires every variable the part reads without a default and admits no
 * name it does not read (nor one the platform sets), so a misspelt, removed or foreign
 * variable fails `tsc`; a plain value the part would refuse fails the plan. Every task
 * definition, function environment and Flink property group of the stack is built here,
 * with the same function the local stack builds its children's with.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  AnyContract,
  contractEnvironment,
  ContractEnvironment,
  EnvironmentValues,
  NoOtherNames,
} from "../../runtime/common/contract";

/** A part's environment whose values may be the stack's outputs. */
export type PartEnvironment<C extends AnyContract = AnyContract> = ContractEnvironment<C, pulumi.Input<string>>;

export function partEnvironment<C extends AnyContract, E extends EnvironmentValues<C, pulumi.Input<string>>>(
  contract: C,
  values: E & NoOtherNames<C, E>,
): PartEnvironment<C> {
  return contractEnvironment<C, E, pulumi.Input<string>>(contract, values);
}
