import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** One operation of the node: its parameters and what it does for one item. */
export interface FineTuneOperation {
  description: INodeProperties[];
  execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
  /**
   * True when the operation reads all input items as one dataset: it then runs once,
   * with the first item's parameters, and pairs its output with the items it used.
   */
  usesAllItems?(this: IExecuteFunctions): boolean;
}

/** pairedItem for output built from every input item. */
export const allItems = (count: number) => Array.from({ length: count }, (_, item) => ({ item }));
