/**
 * What every work order starts from, read from the property when it is raised
 * (by a maintenance request or an inspection's findings): its maintenance
 * policy (properties.maintenance_policy over the platform's defaults) and the
 * property as the work order carries it. One place, so a request and an
 * inspection fix the same terms into their work orders.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { WorkOrderPerson, WorkOrderProperty } from '../contracts/work-order';
import { maintenancePolicy, type MaintenancePolicy, type MaintenancePolicyOverride } from '../domain/work-order/policy';
import type { Property, User } from '../models';
import { formatAddress } from './property-address';

export const workOrderPerson = (u: User): WorkOrderPerson => ({ userId: u.id, name: u.name, email: u.email });

export async function maintenancePolicyOf(db: Sequelize, propertyId: string): Promise<MaintenancePolicy> {
  const [row] = await db.query<{ maintenance_policy: MaintenancePolicyOverride | null }>('select maintenance_policy from properties where id = $1', {
    bind: [propertyId],
    type: QueryTypes.SELECT,
  });
  return maintenancePolicy(row?.maintenance_policy);
}

/** The property as a work order carries it: where, whose lease a tenant-caused repair is charged to, and the policy's terms. */
export function workOrderProperty(property: Property, policy: MaintenancePolicy, unitId: string | null, leaseId: string | null): WorkOrderProperty {
  return {
    propertyId: property.id,
    unitId,
    address: formatAddress(property),
    postalCode: property.postalCode ?? '',
    leaseId,
    currency: policy.currency,
    approvalThresholdMinor: policy.approvalThresholdMinor,
    sla: policy.sla,
    legalRepairWindow: policy.legalRepairWindow,
    compliance: policy.compliance,
  };
}
