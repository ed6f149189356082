"""The subtensor runtime: SubtensorModule (index 7), AdminUtils (index 18) and Yuma consensus."""
