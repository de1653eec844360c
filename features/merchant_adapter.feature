@flow-tradeNO
Feature: The merchant test adapter answers as its contract in docs/hooks.md says
  The adapter answers 200 with the order view, 400 to a malformed request, 404 for an order it
  does not know, 409 when it refuses by a business rule, and 502 when the wallet is unreachable
  or its answer fails verification (docs/hooks.md, "The merchant's test adapter"). The
  body of an answer other than 200 is the merchant's own.

  @merchant @REQ-HOOK-M-001 @step-2 @step-3
  Scenario: A new order's view shows every field of the adapter
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    Then the merchant's order view shows every field of the test adapter

  @merchant @REQ-HOOK-M-002 @step-19
  Scenario Outline: <endpoint> about an order the merchant never created answers 404
    When the mini program asks the merchant about an order it never created, with "<endpoint>"
    Then the merchant answers that the order does not exist

    Examples:
      | endpoint       |
      | GET            |
      | tradePayResult |
      | cancel         |

    @preauth
    Examples:
      | endpoint |
      | capture  |

    @refunds
    Examples:
      | endpoint |
      | refund   |
