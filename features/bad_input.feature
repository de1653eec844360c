@flow-tradeNO
Feature: Bad input to every endpoint of the wallet and the merchant
  Whatever arrives, a party answers with its documented refusal and changes nothing: the
  wallet's OpenAPI answers PARAM_ILLEGAL, its message should name the field (docs/protocol.md,
  "pay": the code is the contract, the message is for people; an unsupported currency may
  also be CURRENCY_NOT_SUPPORT; the kit's own 64 KiB and length limits beyond those the
  protocol pins are SHOULD, and so is refusing text that is not valid UTF-8, an unknown
  productCode and an extendInfo that is not JSON: docs/protocol.md, "Where published wallets
  differ"), the merchant's notify endpoint answers F (the code and wording are its own:
  PARAM_ILLEGAL naming the field is a SHOULD), the merchant's test adapter answers HTTP 400
  (its body SHOULD name the field; an amount value written as a JSON number SHOULD be
  refused; docs/hooks.md). A signed notification about the merchant's own payment, consistent
  in ids, amount and currency, is never a failure: the merchant acknowledges it and settles
  the order, or refuses it for a malformed optional field and changes nothing (a warning).
  Never a server error. Fields a party does not know are ignored: the kit is
  tolerant in what it accepts. A defect is written as "no <field>", "<field> = <value>",
  "<field> = number <n>", "<field> = <n> characters", "<field> = invalid UTF-8", or names a
  whole-body defect (malformed JSON, a JSON array, data after the object, a body over 64 KiB).

  @wallet @wallet-api @REQ-BAD-001 @step-4 @step-5
  Scenario Outline: pay with <defect> is refused naming <field>
    When the kit calls the wallet's "pay" with "<defect>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "<field>"
    And the wallet has no payment for that request

    Examples:
      | defect                                   | field                  |
      | malformed JSON                           | JSON                   |
      | a JSON array                             | body                   |
      | data after the object                    | body                   |
      | no paymentRequestId                      | paymentRequestId       |
      | paymentRequestId = 65 characters         | paymentRequestId       |
      | paymentRequestId = number 42             | paymentRequestId       |
      | no paymentOrderTitle                     | paymentOrderTitle      |
      | paymentOrderTitle = 257 characters       | paymentOrderTitle      |
      | no productCode                           | productCode            |
      | no paymentAmount                         | paymentAmount          |
      | paymentAmount = a list                   | paymentAmount          |
      | paymentAmount.value = 10.50              | paymentAmount.value    |
      | paymentAmount.value = -100               | paymentAmount.value    |
      | paymentAmount.value = 0                  | paymentAmount.value    |
      | paymentAmount.value = number 1000        | paymentAmount.value    |
      | no paymentAmount.value                   | paymentAmount.value    |
      | paymentAmount.currency = usd             | paymentAmount.currency |
      | no paymentAmount.currency                | paymentAmount.currency |
      | paymentExpiryTime = tomorrow             | paymentExpiryTime      |
      | paymentFactor = true                     | paymentFactor          |

  @wallet @wallet-api @REQ-BAD-002 @step-4 @step-5 @step-6 @step-7
  Scenario: pay with a field the wallet does not know is accepted
    When the kit calls the wallet's "pay" with "an extra field"
    Then the wallet accepts the payment request
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"

  @wallet @wallet-api @REQ-BAD-001 @step-17
  Scenario Outline: inquiryPayment with <defect> is refused naming <field>
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit calls the wallet's "inquiryPayment" with "<defect>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "<field>"

    Examples:
      | defect                           | field            |
      | malformed JSON                   | JSON             |
      | a JSON array                     | body             |
      | no paymentId                     | paymentId        |
      | paymentId = number 1             | paymentId        |

  @wallet @wallet-api @REQ-BAD-002 @step-17
  Scenario: inquiryPayment with a field the wallet does not know is answered
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit calls the wallet's "inquiryPayment" with "an extra field"
    Then the wallet answers "SUCCESS"

  @wallet @wallet-api @REQ-BAD-001 @step-17
  Scenario Outline: cancel with <defect> is refused naming <field> and cancels nothing
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit calls the wallet's "cancel" with "<defect>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "<field>"
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"

    Examples:
      | defect                    | field     |
      | malformed JSON            | JSON      |
      | a JSON array              | body      |
      | data after the object     | body      |
      | no paymentId              | paymentId |
      | paymentId = an object     | paymentId |

  @wallet @wallet-api @preauth @REQ-BAD-001 @step-16 @step-17
  Scenario Outline: capture with <defect> is refused naming <field> and captures nothing
    Given the kit has asked the wallet for a pre-authorization of "10.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit calls the wallet's "capture" with "<defect>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "<field>"
    And the wallet reports the payment as "AUTH_SUCCESS" for "10.00 USD"

    Examples:
      | defect                            | field                  |
      | malformed JSON                    | JSON                   |
      | a JSON array                      | body                   |
      | no captureRequestId               | captureRequestId       |
      | captureRequestId = number 7       | captureRequestId       |
      | no paymentId                      | paymentId              |
      | captureAmount.value = 4.00        | captureAmount.value    |
      | captureAmount.value = -400        | captureAmount.value    |
      | captureAmount.value = 0           | captureAmount.value    |
      | captureAmount.value = number 400  | captureAmount.value    |
      | captureAmount.currency = EUR      | captureAmount.currency |
      | isLastCapture = yes               | isLastCapture          |

  @wallet @wallet-api @refunds @REQ-BAD-001 @step-17
  Scenario Outline: refund with <defect> is refused naming <field> and refunds nothing
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit calls the wallet's "refund" with "<defect>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "<field>"
    And the wallet has no refund for that request
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

    Examples:
      | defect                          | field                 |
      | malformed JSON                  | JSON                  |
      | a JSON array                    | body                  |
      | no refundRequestId              | refundRequestId       |
      | no paymentId                    | paymentId             |
      | no refundAmount                 | refundAmount          |
      | refundAmount.value = 4.00       | refundAmount.value    |
      | refundAmount.value = -400       | refundAmount.value    |
      | refundAmount.value = 0          | refundAmount.value    |
      | refundAmount.value = number 400 | refundAmount.value    |
      | refundAmount.currency = EUR     | refundAmount.currency |

  @wallet @wallet-api @refunds @REQ-BAD-001
  Scenario Outline: inquiryRefund with <defect> is refused naming <field>
    When the kit calls the wallet's "inquiryRefund" with "<defect>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "<field>"

    Examples:
      | defect                          | field           |
      | malformed JSON                  | JSON            |
      | a JSON array                    | body            |
      | no refundRequestId              | refundId        |
      | refundRequestId = number 3      | refundRequestId |

  @wallet @wallet-api @should @REQ-WAL-008 @step-4 @step-5
  Scenario Outline: pay with <defect>, which a wallet may accept, should be refused
    When the kit calls the wallet's "pay" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"
    And the wallet should have no payment for that request

    Examples:
      | defect                            |
      | productCode = NOT_A_PRODUCT       |
      | extendInfo = not JSON             |
      | paymentOrderTitle = invalid UTF-8 |

  @wallet @wallet-api @REQ-BAD-001 @step-4 @step-5
  Scenario Outline: pay with <defect> is refused as a currency the wallet does not support
    When the kit calls the wallet's "pay" with "<defect>"
    Then the wallet refuses the unsupported currency
    And the wallet has no payment for that request

    Examples:
      | defect                       |
      | paymentAmount.currency = ZZZ |

  @wallet @wallet-api @should @REQ-WAL-006 @step-4 @step-5
  Scenario Outline: pay with <defect>, beyond what the protocol pins, should be refused
    When the kit calls the wallet's "pay" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"
    And the wallet should have no payment for that request

    Examples:
      | defect                                     |
      | a body over 64 KiB                         |
      | productCode = 33 characters                |
      | paymentAmount.value = 99999999999999999999 |
      | paymentNotifyUrl = 1025 characters         |
      | extendInfo = 4097 characters               |

  @wallet @wallet-api @REQ-BAD-001 @step-17
  Scenario Outline: inquiryPayment with <defect> is refused and changes nothing
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit calls the wallet's "inquiryPayment" with "<defect>"
    Then the wallet refuses the request
    And the wallet should answer "PARAM_ILLEGAL"

    Examples:
      | defect                    |
      | paymentId = invalid UTF-8 |

  @wallet @wallet-api @should @REQ-WAL-006 @step-17
  Scenario Outline: inquiryPayment with <defect>, beyond what the protocol pins, should be refused
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit calls the wallet's "inquiryPayment" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"

    Examples:
      | defect                           |
      | a body over 64 KiB               |
      | paymentId = 65 characters        |
      | paymentRequestId = 65 characters |

  @wallet @wallet-api @REQ-BAD-001 @step-17
  Scenario Outline: cancel with <defect> is refused and changes nothing
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit calls the wallet's "cancel" with "<defect>"
    Then the wallet refuses the request
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"
    And the wallet should answer "PARAM_ILLEGAL"

    Examples:
      | defect                    |
      | paymentId = invalid UTF-8 |

  @wallet @wallet-api @should @REQ-WAL-008 @step-17
  Scenario Outline: cancel with <defect>, which a wallet may accept, should be refused
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit calls the wallet's "cancel" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"

    Examples:
      | defect                |
      | extendInfo = not JSON |

  @wallet @wallet-api @should @REQ-WAL-006 @step-17
  Scenario Outline: cancel with <defect>, beyond what the protocol pins, should be refused
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit calls the wallet's "cancel" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"

    Examples:
      | defect                    |
      | a body over 64 KiB        |
      | paymentId = 65 characters |

  @wallet @wallet-api @preauth @should @REQ-WAL-008 @step-16 @step-17
  Scenario Outline: capture with <defect>, which a wallet may accept, should be refused
    Given the kit has asked the wallet for a pre-authorization of "10.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit calls the wallet's "capture" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"

    Examples:
      | defect                           |
      | captureRequestId = invalid UTF-8 |

  @wallet @wallet-api @preauth @REQ-BAD-001 @step-16 @step-17
  Scenario Outline: capture with <defect> is refused as a currency the wallet does not support
    Given the kit has asked the wallet for a pre-authorization of "10.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit calls the wallet's "capture" with "<defect>"
    Then the wallet refuses the unsupported currency
    And the wallet reports the payment as "AUTH_SUCCESS" for "10.00 USD"

    Examples:
      | defect                       |
      | captureAmount.currency = ZZZ |

  @wallet @wallet-api @preauth @should @REQ-WAL-006 @step-16 @step-17
  Scenario Outline: capture with <defect>, beyond what the protocol pins, should be refused
    Given the kit has asked the wallet for a pre-authorization of "10.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit calls the wallet's "capture" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"

    Examples:
      | defect                           |
      | a body over 64 KiB               |
      | captureRequestId = 65 characters |

  @wallet @wallet-api @refunds @should @REQ-WAL-008 @step-17
  Scenario Outline: refund with <defect>, which a wallet may accept, should be refused
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit calls the wallet's "refund" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"

    Examples:
      | defect                       |
      | refundReason = invalid UTF-8 |

  @wallet @wallet-api @refunds @REQ-BAD-001 @step-17
  Scenario Outline: refund with <defect> is refused as a currency the wallet does not support
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit calls the wallet's "refund" with "<defect>"
    Then the wallet refuses the unsupported currency
    And the wallet has no refund for that request
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

    Examples:
      | defect                      |
      | refundAmount.currency = ZZZ |

  @wallet @wallet-api @refunds @should @REQ-WAL-006 @step-17
  Scenario Outline: refund with <defect>, beyond what the protocol pins, should be refused
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit calls the wallet's "refund" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"

    Examples:
      | defect                          |
      | a body over 64 KiB              |
      | refundRequestId = 65 characters |
      | refundReason = 257 characters   |

  @wallet @wallet-api @refunds @REQ-BAD-001
  Scenario Outline: inquiryRefund with <defect> is refused and changes nothing
    When the kit calls the wallet's "inquiryRefund" with "<defect>"
    Then the wallet refuses the request
    And the wallet should answer "PARAM_ILLEGAL"

    Examples:
      | defect                          |
      | refundRequestId = invalid UTF-8 |

  @wallet @wallet-api @refunds @should @REQ-WAL-006
  Scenario Outline: inquiryRefund with <defect>, beyond what the protocol pins, should be refused
    When the kit calls the wallet's "inquiryRefund" with "<defect>"
    Then the wallet should refuse with "PARAM_ILLEGAL"

    Examples:
      | defect                          |
      | a body over 64 KiB              |
      | refundRequestId = 65 characters |
      | refundId = 65 characters        |

  @merchant @REQ-BAD-003 @step-2 @step-3
  Scenario Outline: Creating an order with <defect> is refused
    When the mini program sends the merchant's "create order" request with "<defect>"
    Then the merchant answers the bad request with "<answer>", and should name "<field>"

    Examples:
      | defect                   | field           | answer          |
      | malformed JSON           | JSON            | 400             |
      | a JSON array             | body            | 400             |
      | data after the object    | JSON            | 400             |
      | a body over 64 KiB       | body            | no server error |
      | title = invalid UTF-8    | UTF-8           | no server error |
      | no flow                  | flow            | 400             |
      | flow = SWIFT             | flow            | 400             |
      | flow = number 1          | flow            | 400             |
      | type = RECURRING         | type            | 400             |
      | no amount                | amount          | 400             |
      | amount = number 1000     | amount          | 400             |
      | amount.value = 10.50     | amount.value    | 400             |
      | amount.value = -100      | amount.value    | 400             |
      | amount.value = 0         | amount.value    | 400 or 409      |
      | amount.currency = ZZZ    | amount.currency | 400 or 409      |
      | no amount.currency       | amount.currency | 400             |
      | title = 257 characters   | title           | no server error |

  @merchant @REQ-BAD-004 @step-2 @step-3
  Scenario: Creating an order with a field the merchant does not know is accepted
    When the mini program sends the merchant's "create order" request with "an extra field"
    Then the merchant accepts the request

  @merchant @REQ-BAD-003 @step-19
  Scenario Outline: Reporting a tradePay result with <defect> is refused
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the mini program sends the merchant's "tradePayResult" request with "<defect>"
    Then the merchant answers the bad request with "<answer>", and should name "<field>"
    And the merchant's order is "PENDING"

    Examples:
      | defect                     | field      | answer          |
      | malformed JSON             | JSON       | 400             |
      | a JSON array               | body       | 400             |
      | a body over 64 KiB         | body       | no server error |
      | resultCode = invalid UTF-8 | UTF-8      | no server error |
      | no resultCode              | resultCode | 400             |
      | resultCode = number 9000   | resultCode | 400             |

  @merchant @REQ-BAD-003 @step-17
  Scenario Outline: Cancelling an order with <defect> is refused, or the body is ignored
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the mini program sends the merchant's "cancel" request with "<defect>"
    Then the merchant refuses the malformed cancel, or ignores its body and cancels the order

    Examples:
      | defect                 |
      | malformed JSON         |
      | a JSON array           |
      | a body over 64 KiB     |
      | reason = invalid UTF-8 |

  @merchant @preauth @REQ-BAD-003 @step-16 @step-17
  Scenario Outline: Capturing with <defect> is refused and captures nothing
    Given the merchant has created a pre-authorization for "10.00 USD" paid by tradeNO
    And the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    When the mini program sends the merchant's "capture" request with "<defect>"
    Then the merchant answers the bad request with "<answer>", and should name "<field>"
    And the merchant's order is "AUTHORIZED"
    And the merchant's order shows "0.00 USD" paid

    Examples:
      | defect                    | field           | answer     |
      | malformed JSON            | JSON            | 400        |
      | a JSON array              | body            | 400        |
      | amount.value = 4.00       | amount.value    | 400        |
      | amount.value = -400       | amount.value    | 400        |
      | amount.value = 0          | amount.value    | 400 or 409 |
      | amount.currency = ZZZ     | amount.currency | 400 or 409 |
      | amount.currency = EUR     | amount.currency | 400 or 409 |
      | final = yes               | final           | 400        |

  @merchant @refunds @REQ-BAD-003 @step-17
  Scenario Outline: Refunding with <defect> is refused and refunds nothing
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the payer confirms the payment in the wallet
    And the merchant's order becomes "PAID"
    When the mini program sends the merchant's "refund" request with "<defect>"
    Then the merchant answers the bad request with "<answer>", and should name "<field>"
    And the merchant's order is "PAID"
    And the merchant's order shows "0.00 USD" refunded

    Examples:
      | defect                    | field           | answer     |
      | malformed JSON            | JSON            | 400        |
      | a JSON array              | body            | 400        |
      | amount.value = 4.00       | amount.value    | 400        |
      | amount.value = -400       | amount.value    | 400        |
      | amount.value = 0          | amount.value    | 400 or 409 |
      | amount.currency = ZZZ     | amount.currency | 400 or 409 |
      | amount.currency = EUR     | amount.currency | 400 or 409 |

  @merchant @should @REQ-HOOK-M-005 @step-2 @step-3
  Scenario: Creating an order with an amount value written as a JSON number should be refused
    When the mini program sends the merchant's "create order" request with "amount.value = number 10"
    Then the merchant should refuse the bad request with 400 naming "amount.value"

  @merchant @preauth @should @REQ-HOOK-M-005 @step-16 @step-17
  Scenario: Capturing an amount value written as a JSON number should be refused
    Given the merchant has created a pre-authorization for "10.00 USD" paid by tradeNO
    And the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    When the mini program sends the merchant's "capture" request with "amount.value = number 400"
    Then the merchant should refuse the bad request with 400 naming "amount.value"

  @merchant @refunds @should @REQ-HOOK-M-005 @step-17
  Scenario: Refunding an amount value written as a JSON number should be refused
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the payer confirms the payment in the wallet
    And the merchant's order becomes "PAID"
    When the mini program sends the merchant's "refund" request with "amount.value = number 400"
    Then the merchant should refuse the bad request with 400 naming "amount.value"

  @merchant @wallet-mock @REQ-BAD-005 @step-18
  Scenario Outline: A notification with <defect> is refused and changes nothing
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the merchant receives a "SUCCESS" notification with "<defect>"
    Then the merchant refuses the malformed notification, and should name "<field>"
    And the merchant's order is "PENDING"
    And the merchant's order shows "0.00 USD" paid

    Examples:
      | defect                             | field                  |
      | malformed JSON                     | JSON                   |
      | a JSON array                       | body                   |
      | data after the object              | body                   |
      | paymentId = invalid UTF-8          | UTF-8                  |
      | no paymentId                       | paymentId              |
      | paymentId = 65 characters          | paymentId              |
      | no paymentRequestId                | paymentRequestId       |
      | paymentRequestId = 65 characters   | paymentRequestId       |
      | no paymentStatus                   | paymentStatus          |
      | paymentStatus = PAID               | paymentStatus          |
      | paymentStatus = number 1           | paymentStatus          |
      | no paymentAmount                   | paymentAmount          |
      | paymentAmount.value = 10.00        | paymentAmount.value    |
      | paymentAmount.value = -1000        | paymentAmount.value    |
      | paymentAmount.value = number 1000  | paymentAmount.value    |
      | paymentAmount.currency = ZZZ       | paymentAmount.currency |

  @merchant @wallet-mock @REQ-BAD-007 @step-18
  Scenario Outline: A genuine notification with <defect> in an optional field settles the order
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    And the payer confirms the payment in the wallet
    When the merchant receives a "SUCCESS" notification with "<defect>"
    Then the merchant acknowledges the notification and its order is "PAID", or should: refuses it and its order is unchanged

    Examples:
      | defect                  |
      | paymentTime = yesterday |
      | extendInfo = not JSON   |

  @merchant @wallet-mock @REQ-BAD-006 @step-18
  Scenario: A notification with a field the merchant does not know is accepted
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    And the payer confirms the payment in the wallet
    When the merchant receives a "SUCCESS" notification with "an extra field"
    Then the merchant acknowledges the notification
    And the merchant's order is "PAID"
